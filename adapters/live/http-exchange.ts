import type { IncomingMessage, ServerResponse } from "node:http";

/** A body larger than the limit: the caller answers 413 without reading the rest. */
export const tooLarge = Symbol("too large");

/**
 * Reads a request body up to `limitBytes`. Every message between the plane's components and
 * from its clients is a small JSON object, so anything larger is refused, not buffered.
 */
export function readBody(req: IncomingMessage, limitBytes: number): Promise<string | typeof tooLarge> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limitBytes) {
    req.resume();
    return Promise.resolve(tooLarge);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on("data", (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > limitBytes) {
        over = true;
        resolve(tooLarge);
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (!over) resolve(Buffer.concat(chunks).toString("utf8"));
    });
    req.on("error", reject);
  });
}

/** Parses a body as a JSON object; a one-line reason when it is not one. */
export function parseJsonObject(body: string): { ok: true; value: Record<string, unknown> } | { ok: false; reason: string } {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return { ok: false, reason: "body is not JSON" };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return { ok: false, reason: "body must be a JSON object" };
  return { ok: true, value: value as Record<string, unknown> };
}

export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(value);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** A refusal or failure: one line of text naming what is wrong. */
export function sendLine(res: ServerResponse, status: number, line: string, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const text = `${line}\n`;
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** A finite number ≥ 0 (JSON numbers only: a numeric string is refused). */
export function isAmount(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0;
}
