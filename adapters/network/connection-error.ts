/**
 * One line for a request that got no answer: the socket's reason and address as Node words it
 * ("ECONNREFUSED 127.0.0.1:8080", "other side closed (UND_ERR_SOCKET)"). Node's happy-eyeballs
 * connect reports every address it tried in an AggregateError whose own message is empty.
 */
export function connectionErrorText(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    return [...new Set(error.errors.map(connectionErrorText))].join("; ");
  }
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  const message = error.message.replace(/^connect /, "").trim();
  if (typeof code !== "string" || message.includes(code)) return message || error.name;
  return message === "" ? code : `${message} (${code})`;
}
