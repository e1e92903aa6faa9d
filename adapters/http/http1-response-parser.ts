import type { ResponseHeaders } from "./http-response.ts";

/** What the parser hands on as a response arrives; `end` says whether the connection may be reused. */
export interface ResponseSink {
  head(statusCode: number, headers: ResponseHeaders): void;
  body(chunk: Buffer): void;
  end(keepAlive: boolean): void;
}

/** The server broke HTTP/1.1 framing: the connection is unusable and its request failed. */
export class ResponseParseError extends Error {
  override readonly name = "ResponseParseError";
}

/** A head larger than this is refused (undici and Node default to 16 KB; this allows more). */
const maxHeadBytes = 64 * 1024;
/** A chunk-size or trailer line longer than this is refused. */
const maxLineBytes = 8 * 1024;

const enum State {
  Head,
  Length,
  ChunkSize,
  ChunkData,
  ChunkDataEnd,
  Trailers,
  UntilClose,
  Done,
}

/**
 * An incremental HTTP/1.1 response parser for one request at a time (no pipelining): bodies framed
 * by `content-length`, by `transfer-encoding: chunked`, or by the connection closing; 204 and 304
 * have none; interim 1xx answers are skipped. Framing follows RFC 9112 §6.3. Feed it what the socket
 * reads, in order, and `eof()` when the socket ends. Throws ResponseParseError on anything it
 * cannot frame, after which the connection must be closed.
 */
export class Http1ResponseParser {
  private state = State.Head;
  private pendingHead: Buffer | undefined;
  private line = "";
  private remaining = 0;
  private keepAlive = true;
  private keepAliveHintMs: number | undefined;

  constructor(private readonly sink: ResponseSink) {}

  /** True once the current response has ended; `reset()` before the next request. */
  get done(): boolean {
    return this.state === State.Done;
  }

  /** Whether a response has started arriving (its first byte was read). */
  get started(): boolean {
    return this.state !== State.Head || this.pendingHead !== undefined;
  }

  /** The server's `keep-alive: timeout=N` hint of the last response, ms. */
  get serverIdleTimeoutMs(): number | undefined {
    return this.keepAliveHintMs;
  }

  reset(): void {
    this.state = State.Head;
    this.pendingHead = undefined;
    this.line = "";
    this.remaining = 0;
    this.keepAlive = true;
  }

  feed(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      switch (this.state) {
        case State.Head:
          at = this.readHead(chunk, at);
          break;
        case State.Length: {
          const take = Math.min(this.remaining, chunk.length - at);
          this.sink.body(chunk.subarray(at, at + take));
          at += take;
          this.remaining -= take;
          if (this.remaining === 0) this.finish();
          break;
        }
        case State.ChunkData: {
          const take = Math.min(this.remaining, chunk.length - at);
          this.sink.body(chunk.subarray(at, at + take));
          at += take;
          this.remaining -= take;
          if (this.remaining === 0) this.state = State.ChunkDataEnd;
          break;
        }
        case State.ChunkSize:
        case State.ChunkDataEnd:
        case State.Trailers: {
          const lineEnd = chunk.indexOf(10, at);
          const end = lineEnd === -1 ? chunk.length : lineEnd;
          this.line += chunk.toString("latin1", at, end);
          if (this.line.length > maxLineBytes) throw new ResponseParseError("a chunked-body line is too long");
          at = lineEnd === -1 ? chunk.length : lineEnd + 1;
          if (lineEnd !== -1) {
            const line = this.line.endsWith("\r") ? this.line.slice(0, -1) : this.line;
            this.line = "";
            this.chunkLine(line);
          }
          break;
        }
        case State.UntilClose:
          this.sink.body(chunk.subarray(at));
          at = chunk.length;
          break;
        case State.Done:
          throw new ResponseParseError("the server sent bytes after the response ended");
      }
    }
  }

  /** The socket ended: a close-delimited body is complete; anything else unfinished is an error. */
  eof(): void {
    if (this.state === State.UntilClose) {
      this.state = State.Done;
      this.sink.end(false);
      return;
    }
    if (this.state !== State.Done) throw new ResponseParseError(this.started ? "the server closed the connection mid-response" : "the server closed the connection without answering");
  }

  private readHead(chunk: Buffer, at: number): number {
    let buffer = chunk.subarray(at);
    let searchFrom = 0;
    if (this.pendingHead !== undefined) {
      searchFrom = Math.max(0, this.pendingHead.length - 3);
      buffer = Buffer.concat([this.pendingHead, buffer]);
    }
    const headEnd = buffer.indexOf("\r\n\r\n", searchFrom, "latin1");
    if (headEnd === -1) {
      if (buffer.length > maxHeadBytes) throw new ResponseParseError(`the response head is over ${maxHeadBytes} bytes`);
      this.pendingHead = Buffer.from(buffer);
      return chunk.length;
    }
    const consumedBefore = this.pendingHead?.length ?? 0;
    this.pendingHead = undefined;
    this.head(buffer.toString("latin1", 0, headEnd));
    return at + headEnd + 4 - consumedBefore;
  }

  private head(text: string): void {
    const lines = text.split("\r\n");
    const status = /^HTTP\/1\.([01]) (\d{3})(?: .*)?$/.exec(lines[0]!);
    if (status === null) throw new ResponseParseError(`not an HTTP/1.x status line: ${JSON.stringify(lines[0]!.slice(0, 80))}`);
    const http11 = status[1] === "1";
    const statusCode = Number(status[2]);
    const headers: Record<string, string | string[]> = {};
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      const colon = line.indexOf(":");
      if (colon <= 0 || line.charCodeAt(0) === 32 || line.charCodeAt(0) === 9) throw new ResponseParseError(`a malformed header line: ${JSON.stringify(line.slice(0, 80))}`);
      const name = line.slice(0, colon).toLowerCase();
      const value = line.slice(colon + 1).trim();
      const existing = headers[name];
      if (existing === undefined) headers[name] = value;
      else if (Array.isArray(existing)) existing.push(value);
      else headers[name] = [existing, value];
    }
    if (statusCode >= 100 && statusCode < 200) {
      // An interim answer (100 Continue, 103 Early Hints): the real one follows.
      if (statusCode === 101) throw new ResponseParseError("the server switched protocols (101), which was never asked for");
      return;
    }
    const connection = tokens(headers.connection);
    this.keepAlive = http11 ? !connection.includes("close") : connection.includes("keep-alive");
    const hint = /timeout=(\d+)/i.exec(joined(headers["keep-alive"]) ?? "");
    if (hint !== null) this.keepAliveHintMs = Number(hint[1]) * 1000;
    this.sink.head(statusCode, headers);
    const transferEncoding = tokens(headers["transfer-encoding"]);
    const contentLength = joined(headers["content-length"]);
    if (statusCode === 204 || statusCode === 304) {
      this.finish();
    } else if (transferEncoding.length > 0) {
      // Both framings at once is how request smuggling starts: use chunked, never reuse the connection.
      if (contentLength !== undefined) this.keepAlive = false;
      if (transferEncoding[transferEncoding.length - 1] === "chunked") this.state = State.ChunkSize;
      else this.untilClose();
    } else if (contentLength !== undefined) {
      const lengths = new Set(contentLength.split(",").map((part) => part.trim()));
      const [only] = lengths;
      if (lengths.size !== 1 || only === undefined || !/^\d{1,15}$/.test(only)) throw new ResponseParseError(`a bad content-length: ${JSON.stringify(contentLength.slice(0, 40))}`);
      this.remaining = Number(only);
      if (this.remaining === 0) this.finish();
      else this.state = State.Length;
    } else {
      this.untilClose();
    }
  }

  private chunkLine(line: string): void {
    switch (this.state) {
      case State.ChunkSize: {
        const size = line.split(";", 1)[0]!.trim();
        if (!/^[0-9a-fA-F]{1,12}$/.test(size)) throw new ResponseParseError(`a bad chunk size: ${JSON.stringify(line.slice(0, 40))}`);
        this.remaining = Number.parseInt(size, 16);
        this.state = this.remaining === 0 ? State.Trailers : State.ChunkData;
        return;
      }
      case State.ChunkDataEnd:
        if (line !== "") throw new ResponseParseError("a chunk longer than its size");
        this.state = State.ChunkSize;
        return;
      case State.Trailers:
        if (line === "") this.finish();
        return;
      default:
        return;
    }
  }

  private untilClose(): void {
    this.keepAlive = false;
    this.state = State.UntilClose;
  }

  private finish(): void {
    this.state = State.Done;
    this.sink.end(this.keepAlive);
  }
}

function joined(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(",") : value;
}

function tokens(value: string | string[] | undefined): string[] {
  const text = joined(value);
  return text === undefined ? [] : text.split(",").map((token) => token.trim().toLowerCase()).filter((token) => token !== "");
}
