import { connect, type Socket } from "node:net";
import type { ResponseHeaders } from "./http-response.ts";
import { Http1ResponseParser, type ResponseSink } from "./http1-response-parser.ts";

/** One request's side of an exchange: told when its bytes are written, then of its answer or failure. */
export interface Exchange {
  written(atMs: number): void;
  head(statusCode: number, headers: ResponseHeaders): void;
  body(chunk: Buffer): void;
  end(): void;
  error(error: Error): void;
}

/** What `Http1Pool.request` returns: aborting frees the connection (it is closed) and reports nothing more to the exchange. */
export interface ExchangeHandle {
  abort(): void;
}

export interface Http1PoolOptions {
  /** At most this many connections, open or opening; further requests wait for one to be free. */
  readonly maxConnections: number;
  /** A connection idle this long is closed rather than reused, unless the server's `keep-alive: timeout` says otherwise (less a second). */
  readonly idleMs: number;
}

/**
 * Plain-HTTP/1.1 keep-alive connections to one origin, one request per connection at a time (no
 * pipelining: a slow answer never holds up another request). A request is written at once, in the
 * caller's turn of the event loop, on the most recently freed connection, or on a new one (its
 * bytes are queued until the connection is up, and its set-up counts in the response time, not in
 * the send time). The open-loop driver's send time is therefore the time it chose to send.
 *
 * Why not undici, which the rest of the project uses: undici writes a request on a reused
 * connection only on the next event-loop turn (it first checks the idle socket for a close, since
 * 7.x), after that turn has read every answer waiting; at 10,000+ sends a second that hides up to
 * milliseconds of lateness and puts sends behind answers. This client also costs less CPU per
 * request: 10-11 against 16-23 µs in closed loops side by side on a 2-core VM, and 15-24 against
 * 20-36 µs per send in the saturated steps of bench/network-driver.bench.ts.
 *
 * The race every keep-alive client has: a server closing an idle connection as a request is
 * written on it. Connections idle longer than the server's `keep-alive: timeout` less a second (or
 * `idleMs` when it gives none) are never reused, so it is rare; when it happens the request fails with its reason and
 * is not re-sent (it is a POST that may have run).
 */
export class Http1Pool {
  private readonly idle: Http1Connection[] = [];
  private readonly waiting: { exchange: Exchange; bytes: string; handle: RequestHandle }[] = [];
  private readonly all = new Set<Http1Connection>();
  private closed = false;

  /** The `host` header of this origin's requests (`host[:port]`). */
  readonly hostHeader: string;
  private readonly host: string;
  private readonly port: number;

  /** `origin`: an http: URL; only its host and port are used. */
  constructor(
    origin: URL,
    readonly options: Http1PoolOptions,
  ) {
    this.hostHeader = origin.host;
    this.host = origin.hostname.replace(/^\[(.*)\]$/, "$1");
    this.port = origin.port === "" ? 80 : Number(origin.port);
  }

  /**
   * Opens connections until `count` are open (at most `maxConnections`) and resolves once each new
   * one is up (it waits idle in the pool) or has failed (it is gone); never rejects. On loopback a
   * new connection costs both ends 50–100 µs, more than the 50 µs between sends at 20,000/s: a
   * pool that starts empty opens one per send until answers come back, and falls behind for good.
   */
  preconnect(count: number): Promise<void> {
    const wanted = Math.min(count, this.options.maxConnections) - this.all.size;
    if (this.closed || wanted <= 0) return Promise.resolve();
    const opening: Promise<void>[] = [];
    for (let n = 0; n < wanted; n++) opening.push(new Promise((resolve) => this.all.add(new Http1Connection(this, resolve))));
    return Promise.all(opening).then(() => undefined);
  }

  /** Where a new connection goes. */
  get address(): { host: string; port: number } {
    return { host: this.host, port: this.port };
  }

  /** Sends `bytes` (the whole request, head and body, as UTF-8) and reports to `exchange`. */
  request(bytes: string, exchange: Exchange): ExchangeHandle {
    if (this.closed) {
      exchange.error(new Error("the client is closed"));
      return noHandle;
    }
    const handle = new RequestHandle(this, exchange);
    const connection = this.takeIdle() ?? (this.all.size < this.options.maxConnections ? this.open() : undefined);
    if (connection === undefined) {
      this.waiting.push({ exchange, bytes, handle });
      return handle;
    }
    handle.started(connection);
    connection.send(bytes, exchange);
    return handle;
  }

  /** Closes every connection; requests still waiting or in flight fail. */
  close(): void {
    this.closed = true;
    for (const connection of [...this.all]) connection.destroy(new Error("the client is closed"));
    for (const { exchange } of this.waiting.splice(0)) exchange.error(new Error("the client is closed"));
  }

  /** A connection finished its exchange and may be reused. */
  released(connection: Http1Connection): void {
    const next = this.waiting.shift();
    if (next !== undefined) {
      next.handle.started(connection);
      connection.send(next.bytes, next.exchange);
      return;
    }
    connection.idleSince = performance.now();
    this.idle.push(connection);
  }

  /** A connection closed: it leaves the pool, and a waiting request gets a new one. */
  gone(connection: Http1Connection): void {
    if (!this.all.delete(connection)) return;
    const at = this.idle.indexOf(connection);
    if (at !== -1) this.idle.splice(at, 1);
    if (this.closed || this.waiting.length === 0) return;
    const next = this.waiting.shift()!;
    const fresh = this.open();
    next.handle.started(fresh);
    fresh.send(next.bytes, next.exchange);
  }

  /** A waiting request was given up before it got a connection. */
  unqueue(handle: RequestHandle): void {
    const at = this.waiting.findIndex((w) => w.handle === handle);
    if (at !== -1) this.waiting.splice(at, 1);
  }

  private takeIdle(): Http1Connection | undefined {
    const now = performance.now();
    for (;;) {
      const connection = this.idle.pop();
      if (connection === undefined) return undefined;
      if (connection.reusable(now)) return connection;
      connection.destroy(undefined);
    }
  }

  private open(): Http1Connection {
    const connection = new Http1Connection(this);
    this.all.add(connection);
    return connection;
  }
}

const noHandle: ExchangeHandle = { abort: () => undefined };

/**
 * One request's handle: before it has a connection, aborting takes it out of the queue; after,
 * aborting closes the connection if the request is still on it (it may have been answered since).
 */
class RequestHandle implements ExchangeHandle {
  private connection: Http1Connection | undefined;
  private aborted = false;
  constructor(
    private readonly pool: Http1Pool,
    private readonly exchange: Exchange,
  ) {}
  started(connection: Http1Connection): void {
    this.connection = connection;
  }
  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    if (this.connection) this.connection.abort(this.exchange);
    else this.pool.unqueue(this);
  }
}

/** One keep-alive connection; it is its own exchange handle while a request is on it. */
class Http1Connection implements ResponseSink {
  private readonly socket: Socket;
  private readonly parser = new Http1ResponseParser(this);
  private exchange: Exchange | undefined;
  private connected = false;
  private ended = false;
  idleSince = 0;

  /** `opened`: a connection opened ahead of need (preconnect), told once it is up or has failed; it joins the idle ones when up. */
  constructor(
    private readonly pool: Http1Pool,
    private opened?: () => void,
  ) {
    this.socket = connect({ ...pool.address, noDelay: true });
    this.socket.once("connect", () => {
      this.connected = true;
      const opened = this.opened;
      if (opened === undefined) return;
      this.opened = undefined;
      this.pool.released(this);
      opened();
    });
    this.socket.on("data", (chunk: Buffer) => this.read(chunk));
    this.socket.on("end", () => this.readEnd());
    this.socket.on("error", (error) => this.destroy(error));
    this.socket.on("close", () => this.destroy(undefined));
  }

  /** Free for another request: still open, not half-closed by the server, and not idle too long. */
  reusable(now: number): boolean {
    if (this.ended || this.socket.destroyed) return false;
    // The server's own `keep-alive: timeout` (less a second for the race) when it gives one, as
    // undici does: connections opened ahead of a run then stay usable as long as the server keeps them.
    const hint = this.parser.serverIdleTimeoutMs;
    const limit = hint === undefined ? this.pool.options.idleMs : hint - 1000;
    return now - this.idleSince < limit;
  }

  send(bytes: string, exchange: Exchange): void {
    this.exchange = exchange;
    this.parser.reset();
    // On a connection still opening, the bytes wait in the socket until it is up: the request
    // was sent now as far as the sender is concerned, and the set-up is the target's network.
    exchange.written(performance.now());
    this.socket.write(bytes, "utf8");
  }

  /** The caller gave `exchange` up: the connection cannot be reused mid-answer, so it closes. */
  abort(exchange: Exchange): void {
    if (this.exchange !== exchange) return;
    this.exchange = undefined;
    this.destroy(undefined);
  }

  head(statusCode: number, headers: ResponseHeaders): void {
    this.exchange?.head(statusCode, headers);
  }

  body(chunk: Buffer): void {
    this.exchange?.body(chunk);
  }

  end(keepAlive: boolean): void {
    const exchange = this.exchange;
    this.exchange = undefined;
    exchange?.end();
    if (keepAlive && !this.ended) this.pool.released(this);
    else this.destroy(undefined);
  }

  /** Closes the connection; a request still on it fails with `error` (or with why the socket ended). */
  destroy(error: Error | undefined): void {
    const exchange = this.exchange;
    this.exchange = undefined;
    if (exchange !== undefined) exchange.error(error ?? new Error(this.connected ? "the server closed the connection without answering" : "the connection closed before it was up"));
    if (!this.socket.destroyed) this.socket.destroy();
    this.pool.gone(this);
    const opened = this.opened;
    this.opened = undefined;
    opened?.();
  }

  private read(chunk: Buffer): void {
    try {
      this.parser.feed(chunk);
    } catch (error) {
      this.destroy(error as Error);
    }
  }

  private readEnd(): void {
    this.ended = true;
    if (this.exchange === undefined) {
      this.destroy(undefined);
      return;
    }
    try {
      this.parser.eof();
    } catch (error) {
      this.destroy(error as Error);
    }
  }
}
