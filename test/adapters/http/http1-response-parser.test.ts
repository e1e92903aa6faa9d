import { describe, expect, it } from "vitest";
import type { ResponseHeaders } from "../../../adapters/http/http-response.ts";
import { Http1ResponseParser, ResponseParseError, type ResponseSink } from "../../../adapters/http/http1-response-parser.ts";

/** What a parse produced: the head, the body as text, and the end (with keep-alive), in order. */
class Collected implements ResponseSink {
  statusCode: number | undefined;
  headers: ResponseHeaders | undefined;
  bodyText = "";
  ends: boolean[] = [];
  head(statusCode: number, headers: ResponseHeaders): void {
    this.statusCode = statusCode;
    this.headers = headers;
  }
  body(chunk: Buffer): void {
    this.bodyText += chunk.toString("latin1");
  }
  end(keepAlive: boolean): void {
    this.ends.push(keepAlive);
  }
}

/** Feeds `wire` in the pieces `split` makes, then eof when `close`; returns what came out. */
function parse(wire: string, split: "whole" | "bytes" | "halves", close = false): Collected {
  const sink = new Collected();
  const parser = new Http1ResponseParser(sink);
  const bytes = Buffer.from(wire, "latin1");
  const pieces = split === "whole" ? [bytes] : split === "bytes" ? [...bytes].map((b) => Buffer.from([b])) : [bytes.subarray(0, bytes.length >> 1), bytes.subarray(bytes.length >> 1)];
  for (const piece of pieces) parser.feed(piece);
  if (close) parser.eof();
  return sink;
}

const splits = ["whole", "bytes", "halves"] as const;

describe("Http1ResponseParser: framing an HTTP/1.1 answer (RFC 9112 §6.3)", () => {
  const cases: [string, string, boolean, { status: number; body: string; keepAlive: boolean; headers?: ResponseHeaders }][] = [
    ["content-length", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Queue-Ms: 0\r\n\r\nok", false, { status: 200, body: "ok", keepAlive: true, headers: { "content-length": "2", "x-queue-ms": "0" } }],
    ["content-length 0", "HTTP/1.1 202 Accepted\r\ncontent-length: 0\r\n\r\n", false, { status: 202, body: "", keepAlive: true }],
    ["chunked, with an extension and a trailer", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n1\r\n!\r\n0\r\nx-trailer: t\r\n\r\n", false, { status: 200, body: "hello!", keepAlive: true }],
    ["chunked, hex sizes", "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nA\r\n0123456789\r\n0\r\n\r\n", false, { status: 200, body: "0123456789", keepAlive: true }],
    ["connection: close ends keep-alive", "HTTP/1.1 503 Busy\r\nConnection: close\r\nContent-Length: 4\r\n\r\nbusy", false, { status: 503, body: "busy", keepAlive: false }],
    ["no length: the body runs to the close", "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\nall of it", true, { status: 200, body: "all of it", keepAlive: false }],
    ["HTTP/1.0 closes unless it says keep-alive", "HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nx", false, { status: 200, body: "x", keepAlive: false }],
    ["HTTP/1.0 with keep-alive", "HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 1\r\n\r\nx", false, { status: 200, body: "x", keepAlive: true }],
    ["204 has no body whatever it says", "HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n", false, { status: 204, body: "", keepAlive: true }],
    ["304 has no body", "HTTP/1.1 304 Not Modified\r\n\r\n", false, { status: 304, body: "", keepAlive: true }],
    ["an interim 100 and 103 are skipped", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nlink: </a>\r\n\r\nHTTP/1.1 201 Created\r\ncontent-length: 3\r\n\r\nnew", false, { status: 201, body: "new", keepAlive: true }],
    ["both framings: chunked wins and the connection is not reused", "HTTP/1.1 200 OK\r\nContent-Length: 99\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n", false, { status: 200, body: "hi", keepAlive: false }],
    ["a transfer-encoding other than chunked runs to the close", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nzz", true, { status: 200, body: "zz", keepAlive: false }],
    ["repeated headers become a list; names are lower-cased", "HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nset-cookie: b=2\r\nContent-Length: 0\r\n\r\n", false, { status: 200, body: "", keepAlive: true, headers: { "set-cookie": ["a=1", "b=2"], "content-length": "0" } }],
    ["a status line without a reason", "HTTP/1.1 429\r\ncontent-length: 4\r\n\r\nfull", false, { status: 429, body: "full", keepAlive: true }],
    ["the same content-length twice is one", "HTTP/1.1 200 OK\r\ncontent-length: 2, 2\r\n\r\nok", false, { status: 200, body: "ok", keepAlive: true }],
  ];
  for (const split of splits) {
    it.each(cases)(`%s (${split})`, (_name, wire, close, expected) => {
      const got = parse(wire, split, close);
      expect(got.statusCode).toBe(expected.status);
      expect(got.bodyText).toBe(expected.body);
      expect(got.ends).toEqual([expected.keepAlive]);
      if (expected.headers) expect(got.headers).toEqual(expected.headers);
    });
  }

  const refusals: [string, string, boolean, RegExp][] = [
    ["not HTTP", "SSH-2.0-OpenSSH\r\n\r\n", false, /not an HTTP\/1\.x status line/],
    ["HTTP/2 status line", "HTTP/2 200\r\n\r\n", false, /not an HTTP\/1\.x status line/],
    ["a header without a colon", "HTTP/1.1 200 OK\r\nbroken\r\n\r\n", false, /malformed header/],
    ["obsolete line folding", "HTTP/1.1 200 OK\r\nx-a: 1\r\n folded\r\n\r\n", false, /malformed header/],
    ["two different content-lengths", "HTTP/1.1 200 OK\r\ncontent-length: 1, 2\r\n\r\nx", false, /bad content-length/],
    ["a negative content-length", "HTTP/1.1 200 OK\r\ncontent-length: -1\r\n\r\n", false, /bad content-length/],
    ["a chunk size that is not hex", "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n", false, /bad chunk size/],
    ["a chunk longer than its size", "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n1\r\nab\r\n0\r\n\r\n", false, /chunk longer than its size/],
    ["bytes after the response (no pipelining)", "HTTP/1.1 200 OK\r\ncontent-length: 1\r\n\r\nxHTTP/1.1", false, /after the response ended/],
    ["101 never asked for", "HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\n\r\n", false, /switched protocols/],
    ["closed mid-body", "HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nshort", true, /closed the connection mid-response/],
    ["closed mid-head", "HTTP/1.1 200 OK\r\ncontent-le", true, /closed the connection mid-response/],
    ["closed before a byte", "", true, /closed the connection without answering/],
    ["closed mid-chunk", "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nab", true, /mid-response/],
  ];
  it.each(refusals)("refuses %s", (_name, wire, close, message) => {
    expect(() => parse(wire, "whole", close)).toThrow(ResponseParseError);
    expect(() => parse(wire, "whole", close)).toThrow(message);
  });

  it("refuses a head over 64 KB, even when it arrives in pieces", () => {
    const parser = new Http1ResponseParser(new Collected());
    parser.feed(Buffer.from("HTTP/1.1 200 OK\r\n"));
    const filler = Buffer.from(`x-big: ${"y".repeat(1000)}\r\n`);
    expect(() => {
      for (let i = 0; i < 70; i++) parser.feed(filler);
    }).toThrow(/over 65536 bytes/);
  });

  it("parses the next response on the same connection after reset(), and keeps the server's keep-alive hint", () => {
    const sink = new Collected();
    const parser = new Http1ResponseParser(sink);
    parser.feed(Buffer.from("HTTP/1.1 200 OK\r\nKeep-Alive: timeout=5\r\ncontent-length: 1\r\n\r\na"));
    expect(parser.done).toBe(true);
    expect(parser.serverIdleTimeoutMs).toBe(5000);
    parser.reset();
    expect(parser.started).toBe(false);
    parser.feed(Buffer.from("HTTP/1.1 404 Not Found\r\ncontent-length: 1\r\n\r\nb"));
    expect(sink.statusCode).toBe(404);
    expect(sink.bodyText).toBe("ab");
    expect(sink.ends).toEqual([true, true]);
  });
});
