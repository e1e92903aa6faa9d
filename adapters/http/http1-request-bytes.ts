import type { HttpRequest } from "./function-map.ts";

/** Framing the client owns; a function map's own value for one of these is left out. */
const framingHeaders = new Set(["content-length", "transfer-encoding", "connection"]);

/** The serialised header lines of a headers object: the default route sends one object every time. */
const headerLinesCache = new WeakMap<Readonly<Record<string, string>>, string>();

/** A header value a trace field rendered into must not start another header or request. */
const lineBreak = /[\r\n\0]/;

/** A request that cannot be written as HTTP/1.1 (a rendered value holds a line break). */
export class RequestBytesError extends Error {
  override readonly name = "RequestBytesError";
}

/**
 * The whole HTTP/1.1 request as one string (head and UTF-8 body), so it leaves in one write:
 * `host` from the origin unless the request names its own, `content-length` from the body's UTF-8
 * bytes (0 for a POST, PUT or PATCH without a body), keep-alive by HTTP/1.1's default.
 */
export function requestBytes(request: HttpRequest, host: string): string {
  if (lineBreak.test(request.path) || request.path.includes(" ")) throw new RequestBytesError(`the request path ${JSON.stringify(request.path.slice(0, 80))} holds a space or line break`);
  let head = `${request.method} ${request.path} HTTP/1.1\r\n${headerLines(request.headers)}`;
  if (request.headers.host === undefined) head += `host: ${host}\r\n`;
  const body = request.body;
  if (body !== undefined) head += `content-length: ${Buffer.byteLength(body)}\r\n`;
  else if (request.method !== "GET" && request.method !== "DELETE") head += "content-length: 0\r\n";
  return body === undefined ? `${head}\r\n` : `${head}\r\n${body}`;
}

function headerLines(headers: Readonly<Record<string, string>>): string {
  const cached = headerLinesCache.get(headers);
  if (cached !== undefined) return cached;
  let lines = "";
  for (const name in headers) {
    const value = headers[name]!;
    if (framingHeaders.has(name.toLowerCase())) continue;
    if (lineBreak.test(value)) throw new RequestBytesError(`header ${name}: its value ${JSON.stringify(value.slice(0, 80))} holds a line break`);
    lines += `${name}: ${value}\r\n`;
  }
  headerLinesCache.set(headers, lines);
  return lines;
}
