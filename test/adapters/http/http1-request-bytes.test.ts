import { describe, expect, it } from "vitest";
import type { HttpRequest } from "../../../adapters/http/function-map.ts";
import { RequestBytesError, requestBytes } from "../../../adapters/http/http1-request-bytes.ts";

const base: HttpRequest = { origin: "http://127.0.0.1:8080", path: "/f", method: "POST", headers: {}, body: undefined };

describe("requestBytes: one HTTP/1.1 request as the client writes it", () => {
  const cases: [string, Partial<HttpRequest>, string][] = [
    ["a POST with a UTF-8 body: content-length in bytes, not characters", { headers: { "content-type": "application/json" }, body: '{"fn":"é"}' }, 'POST /f HTTP/1.1\r\ncontent-type: application/json\r\nhost: 127.0.0.1:8080\r\ncontent-length: 11\r\n\r\n{"fn":"é"}'],
    ["a GET: no body, no content-length", { method: "GET", path: "/f?id=3" }, "GET /f?id=3 HTTP/1.1\r\nhost: 127.0.0.1:8080\r\n\r\n"],
    ["a DELETE without a body: no content-length", { method: "DELETE" }, "DELETE /f HTTP/1.1\r\nhost: 127.0.0.1:8080\r\n\r\n"],
    ["a PUT without a body: content-length 0", { method: "PUT" }, "PUT /f HTTP/1.1\r\nhost: 127.0.0.1:8080\r\ncontent-length: 0\r\n\r\n"],
    ["a map's own host is kept; its framing headers are the client's", { headers: { host: "fn.example", "content-length": "999", connection: "close", "transfer-encoding": "chunked" }, body: "x" }, "POST /f HTTP/1.1\r\nhost: fn.example\r\ncontent-length: 1\r\n\r\nx"],
  ];
  it.each(cases)("%s", (_name, fields, expected) => expect(requestBytes({ ...base, ...fields }, "127.0.0.1:8080")).toBe(expected));

  const refusals: [string, Partial<HttpRequest>, RegExp][] = [
    ["a header value with CR LF (header injection from a trace field)", { headers: { "x-fn": "a\r\nx-evil: 1" } }, /header x-fn: its value .* holds a line break/],
    ["a header value with a bare LF", { headers: { "x-fn": "a\nb" } }, /holds a line break/],
    ["a path with a space", { path: "/a b" }, /the request path "\/a b" holds a space or line break/],
    ["a path with CR LF", { path: "/a\r\nHost: x" }, /holds a space or line break/],
  ];
  it.each(refusals)("refuses %s", (_name, fields, message) => {
    expect(() => requestBytes({ ...base, ...fields }, "127.0.0.1:8080")).toThrow(RequestBytesError);
    expect(() => requestBytes({ ...base, ...fields }, "127.0.0.1:8080")).toThrow(message);
  });
});
