/** A mistake in what the user asked for: printed as one line, exit code 2, no stack trace. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** Throws one UsageError listing every problem, so the user fixes them all at once. */
export function throwIfErrors(errors: readonly string[]): void {
  if (errors.length > 0) throw new UsageError(errors.join("; "));
}
