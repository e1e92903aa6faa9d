import { getEventListeners } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { HttpRequest } from "../../../adapters/http/function-map.ts";
import { classifyResponse } from "../../../adapters/http/http-response.ts";
import { exchangeRequest } from "../../../adapters/http/http1-exchange.ts";
import { Http1Pool } from "../../../adapters/http/http1-pool.ts";
import type { InvokeResult } from "../../../adapters/network/invoker.ts";

/** A real node:http server on loopback that counts the connections it accepted and the requests it read. */
interface TestServer {
  readonly url: URL;
  readonly server: Server;
  connections: number;
  readonly requests: { method: string; url: string; headers: IncomingMessage["headers"]; body: string }[];
}

const servers: (Server | TcpServer)[] = [];
const pools: Http1Pool[] = [];

afterEach(async () => {
  for (const pool of pools.splice(0)) pool.close();
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          if ("closeAllConnections" in server) server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
});

async function httpServer(answer: (req: IncomingMessage, res: ServerResponse, body: string) => void, keepAliveTimeoutMs = 60_000): Promise<TestServer> {
  const server = createServer();
  server.keepAliveTimeout = keepAliveTimeoutMs;
  const state: TestServer = { url: new URL("http://127.0.0.1/"), server, connections: 0, requests: [] };
  server.on("connection", () => state.connections++);
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (d: string) => (body += d));
    req.on("end", () => {
      state.requests.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      answer(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  servers.push(server);
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return Object.assign(state, { url: new URL(`http://127.0.0.1:${address.port}/`) });
}

/** A raw TCP server that answers each connection's first request with `wire` and then does `after`. */
async function tcpServer(wire: string, after: "close" | "keep" | "reset"): Promise<URL> {
  const server = createTcpServer((socket: Socket) => {
    socket.once("data", () => {
      if (after === "reset") return socket.resetAndDestroy();
      socket.write(wire);
      if (after === "close") socket.end();
    });
    socket.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  servers.push(server);
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return new URL(`http://127.0.0.1:${address.port}/`);
}

function pool(url: URL, maxConnections = 8, idleMs = 4_000): Http1Pool {
  const p = new Http1Pool(url, { maxConnections, idleMs });
  pools.push(p);
  return p;
}

function post(url: URL, body: string | undefined = '{"id":1}', extra: Partial<HttpRequest> = {}): HttpRequest {
  return { origin: url.origin, path: "/fn?x=1", method: "POST", headers: { "content-type": "application/json" }, body, ...extra };
}

function send(p: Http1Pool, request: HttpRequest, signal = new AbortController().signal, written?: number[]): Promise<InvokeResult> {
  return exchangeRequest(p, request, signal, classifyResponse, written ? { written: (at) => written.push(at), onAbandon: () => undefined } : undefined);
}

describe("Http1Pool: the driver's own HTTP/1.1 client, against real servers on loopback", () => {
  it("sends method, path, host, headers and a UTF-8 body with its byte length, and reads a content-length answer", async () => {
    const s = await httpServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "x-queue-ms": "1.5", "x-exec-ms": "2" });
      res.end('{"cpuMs":3}');
    });
    const written: number[] = [];
    const before = performance.now();
    const result = await send(pool(s.url), post(s.url, '{"fn":"é"}'), undefined, written);
    expect(result).toEqual({ status: "ok", httpStatus: 200, serverQueueMs: 1.5, serverExecMs: 2, cpuMs: 3 });
    expect(s.requests).toHaveLength(1);
    const [request] = s.requests;
    expect(request).toMatchObject({ method: "POST", url: "/fn?x=1", body: '{"fn":"é"}' });
    expect(request!.headers).toMatchObject({ host: s.url.host, "content-type": "application/json", "content-length": "11" });
    expect(written).toHaveLength(1);
    expect(written[0]).toBeGreaterThanOrEqual(before);
  });

  it("reads chunked answers, and sends a GET without a body or content-length", async () => {
    const s = await httpServer((_req, res) => {
      res.writeHead(503);
      res.write("shutting ");
      setTimeout(() => res.end("down\nsecond line"), 5);
    });
    const result = await send(pool(s.url), post(s.url, undefined, { method: "GET", body: undefined }));
    expect(result).toMatchObject({ status: "failed", httpStatus: 503, error: "HTTP 503: shutting down" });
    expect(s.requests[0]!.headers["content-length"]).toBeUndefined();
    expect(s.requests[0]!.headers["transfer-encoding"]).toBeUndefined();
  });

  it("reuses one keep-alive connection for requests in sequence, and opens one per request at once", async () => {
    const s = await httpServer((_req, res) => res.end("ok"));
    const p = pool(s.url);
    for (let i = 0; i < 5; i++) expect((await send(p, post(s.url))).status).toBe("ok");
    expect(s.connections).toBe(1);
    const results = await Promise.all(Array.from({ length: 4 }, () => send(p, post(s.url))));
    expect(results.map((r) => r.status)).toEqual(["ok", "ok", "ok", "ok"]);
    // The idle one plus three new: no pipelining, one request per connection at a time.
    expect(s.connections).toBe(4);
    expect(s.requests).toHaveLength(9);
  });

  it("holds requests beyond maxConnections until a connection is free, and answers them all", async () => {
    const s = await httpServer((_req, res) => setTimeout(() => res.end("ok"), 20));
    const p = pool(s.url, 2);
    const results = await Promise.all(Array.from({ length: 7 }, () => send(p, post(s.url))));
    expect(results.every((r) => r.status === "ok")).toBe(true);
    expect(s.connections).toBe(2);
    expect(s.requests).toHaveLength(7);
  });

  it("does not reuse a connection the server answered with connection: close", async () => {
    const s = await httpServer((_req, res) => {
      res.setHeader("connection", "close");
      res.end("bye");
    });
    const p = pool(s.url);
    expect((await send(p, post(s.url))).status).toBe("ok");
    expect((await send(p, post(s.url))).status).toBe("ok");
    expect(s.connections).toBe(2);
  });

  it("reads a body that runs until the server closes the connection", async () => {
    const url = await tcpServer("HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\n{\"cpuMs\":7}", "close");
    expect(await send(pool(url), post(url))).toEqual({ status: "ok", httpStatus: 200, serverQueueMs: undefined, serverExecMs: undefined, cpuMs: 7 });
  });

  it("fails with the reason: refused, reset, closed without an answer, closed mid-body, and malformed", async () => {
    const refused = await tcpServer("", "keep");
    const refusedPort = refused.port;
    await new Promise<void>((resolve) => servers.pop()!.close(() => resolve()));
    const cases: [URL, RegExp][] = [
      [new URL(`http://127.0.0.1:${refusedPort}/`), /^ECONNREFUSED 127\.0\.0\.1:\d+$/],
      [await tcpServer("", "reset"), /ECONNRESET/],
      [await tcpServer("", "close"), /^the server closed the connection without answering$/],
      [await tcpServer("HTTP/1.1 200 OK\r\ncontent-length: 50\r\n\r\npartial", "close"), /^the server closed the connection mid-response$/],
      [await tcpServer("HTTP/1.1 200 OK\r\ncontent-length: x\r\n\r\n", "keep"), /^a bad content-length/],
    ];
    for (const [url, reason] of cases) {
      const result = await send(pool(url), post(url));
      expect(result.status).toBe("failed");
      expect(result.error).toMatch(reason);
    }
  });

  it("an aborted request resolves timeout at once and its connection is closed, not reused", async () => {
    const s = await httpServer((req, res) => {
      if (req.url === "/slow") return; // never answered
      res.end("ok");
    });
    const p = pool(s.url);
    const controller = new AbortController();
    const slow = send(p, post(s.url, "{}", { path: "/slow" }), controller.signal);
    await new Promise((r) => setTimeout(r, 30));
    controller.abort();
    expect(await slow).toEqual({ status: "timeout", error: "aborted by the driver" });
    expect((await send(p, post(s.url))).status).toBe("ok");
    expect(s.connections).toBe(2);
  });

  it("a request given up through its receipt (the driver's way) resolves timeout and its connection is closed", async () => {
    const s = await httpServer((req, res) => {
      if (req.url !== "/slow") res.end("ok");
    });
    const p = pool(s.url);
    let abandon: (() => void) | undefined;
    const written: number[] = [];
    const never = new AbortController().signal;
    const slow = exchangeRequest(p, post(s.url, "{}", { path: "/slow" }), never, classifyResponse, { written: (at) => written.push(at), onAbandon: (listener) => (abandon = listener) });
    await new Promise((r) => setTimeout(r, 30));
    expect(written).toHaveLength(1);
    abandon!();
    expect(await slow).toEqual({ status: "timeout", error: "aborted by the driver" });
    expect((await send(p, post(s.url))).status).toBe("ok");
    expect(s.connections).toBe(2);
  });

  it("requests sharing one signal leave no listener on it once answered", async () => {
    const s = await httpServer((_req, res) => res.end("ok"));
    const p = pool(s.url);
    const shared = new AbortController();
    for (let i = 0; i < 3; i++) expect((await send(p, post(s.url), shared.signal)).status).toBe("ok");
    expect(getEventListeners(shared.signal, "abort")).toHaveLength(0);
  });

  it("a request aborted while waiting for a connection is never sent", async () => {
    const s = await httpServer((_req, res) => setTimeout(() => res.end("ok"), 30));
    const p = pool(s.url, 1);
    const first = send(p, post(s.url));
    const controller = new AbortController();
    const waiting = send(p, post(s.url, "{}", { path: "/never" }), controller.signal);
    controller.abort();
    expect(await waiting).toEqual({ status: "timeout", error: "aborted by the driver" });
    expect((await first).status).toBe("ok");
    await new Promise((r) => setTimeout(r, 50));
    expect(s.requests.map((r) => r.url)).toEqual(["/fn?x=1"]);
  });

  it("after the server closes an idle connection, the next request goes on a new one and succeeds", async () => {
    const s = await httpServer((_req, res) => res.end("ok"), 50);
    const p = pool(s.url);
    expect((await send(p, post(s.url))).status).toBe("ok");
    await new Promise((r) => setTimeout(r, 200));
    expect((await send(p, post(s.url))).status).toBe("ok");
    expect(s.connections).toBe(2);
  });

  // keepAliveTimeout 0: node:http sends no `keep-alive: timeout` and never closes idle connections
  // itself, so idleMs (40 ms) decides; 60 s: the server's own timeout, less a second, decides.
  it.each([
    ["does not reuse a connection idle longer than idleMs when the server gives no keep-alive timeout", 0, 2],
    ["keeps reusing a connection past idleMs while the server's keep-alive timeout (less a second) allows", 60_000, 1],
  ])("%s", async (_name, keepAliveTimeoutMs, connections) => {
    const s = await httpServer((_req, res) => res.end("ok"), keepAliveTimeoutMs);
    const p = pool(s.url, 8, 40);
    expect((await send(p, post(s.url))).status).toBe("ok");
    await new Promise((r) => setTimeout(r, 80));
    expect((await send(p, post(s.url))).status).toBe("ok");
    expect(s.connections).toBe(connections);
  });

  it("preconnect opens connections up front, up to maxConnections, and requests then open none", async () => {
    const s = await httpServer((_req, res) => res.end("ok"));
    const p = pool(s.url, 6);
    await p.preconnect(10);
    // Up on the client's side; the server's accept events may come a loop turn later.
    for (let i = 0; i < 100 && s.connections < 6; i++) await new Promise((r) => setTimeout(r, 5));
    expect(s.connections).toBe(6);
    const results = await Promise.all(Array.from({ length: 6 }, () => send(p, post(s.url))));
    expect(results.map((r) => r.status)).toEqual(Array(6).fill("ok"));
    expect(s.connections).toBe(6);
    await p.preconnect(3);
    await new Promise((r) => setTimeout(r, 20));
    expect(s.connections).toBe(6);
  });

  it("preconnect to a port nobody listens on resolves, and the next request fails with the reason", async () => {
    const s = await httpServer((_req, res) => res.end("ok"));
    const url = s.url;
    await new Promise<void>((resolve) => s.server.close(() => resolve()));
    const p = pool(url, 4);
    await p.preconnect(4);
    const result = await send(p, post(url));
    expect(result.status).toBe("failed");
    expect(result.error).toMatch(/ECONNREFUSED/);
  });

  it("refuses a header value with a line break (rendered from the trace) without sending anything", async () => {
    const s = await httpServer((_req, res) => res.end("ok"));
    const result = await send(pool(s.url), post(s.url, "{}", { headers: { "x-fn": "a\r\nx-injected: 1" } }));
    expect(result).toEqual({ status: "failed", error: 'header x-fn: its value "a\\r\\nx-injected: 1" holds a line break' });
    expect(s.connections).toBe(0);
  });

  it("a closed pool fails new requests and the ones in flight", async () => {
    const s = await httpServer(() => undefined);
    const p = pool(s.url);
    const inFlight = send(p, post(s.url));
    await new Promise((r) => setTimeout(r, 20));
    p.close();
    expect(await inFlight).toEqual({ status: "failed", error: "the client is closed" });
    expect(await send(p, post(s.url))).toEqual({ status: "failed", error: "the client is closed" });
  });
});
