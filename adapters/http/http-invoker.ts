import { setTimeout as sleep } from "node:timers/promises";
import { Agent } from "undici";
import type { Invocation } from "../../traces/invocation.ts";
import type { InvokeResult, Invoker, WriteReceipt } from "../network/invoker.ts";
import { checkReachable } from "../network/reachable.ts";
import { dispatchRequest } from "./dispatch-request.ts";
import type { HttpRoute } from "./function-map.ts";
import { classifyResponse } from "./http-response.ts";
import { exchangeRequest } from "./http1-exchange.ts";
import { Http1Pool } from "./http1-pool.ts";

/** How long the pre-flight check waits for a TCP connection. */
const checkTimeoutMs = 5_000;

/**
 * A keep-alive connection idle this long is not reused: under the 5 s Node's servers close theirs
 * at, so a request is rarely written on a connection the server is closing (undici's default too).
 */
const idleMs = 4_000;

/** What the invoker needs from a function map (or the single default route). */
export interface HttpRoutes {
  route(fn: string): HttpRoute;
  origins(): string[];
}

/**
 * Sends each invocation as one HTTP request over keep-alive connections (up to `maxInFlight` per
 * origin, no pipelining, so a slow answer never holds up another request). Plain-http origins go
 * through the project's own HTTP/1.1 client (http1-pool.ts: it writes each request in the
 * driver's own turn of the event loop, so the send time the driver records is the real one);
 * https origins through undici, whose TLS this project does not redo. No transport timeouts: the
 * driver owns the per-request timeout and aborts the request's signal when it passes.
 */
export class HttpInvoker implements Invoker {
  readonly abandonsByReceipt = true;
  private agent: Agent | undefined;
  /** Per origin: its pool, or null for an https origin (undici's). */
  private readonly pools = new Map<string, Http1Pool | null>();

  constructor(
    private readonly routes: HttpRoutes,
    private readonly maxInFlight: number,
  ) {}

  async check(signal: AbortSignal): Promise<void> {
    for (const origin of this.routes.origins()) await checkReachable(origin, checkTimeoutMs, signal);
  }

  /**
   * Opens `connections` in all, shared evenly among the plain-http origins (https ones are
   * undici's, which opens its own), waiting at most the pre-flight check's 5 s: a slow connection
   * joins its pool when it is up.
   */
  async preconnect(connections: number, signal: AbortSignal): Promise<void> {
    const origins = this.routes.origins();
    const each = Math.ceil(connections / Math.max(1, origins.length));
    const opening = origins.map((origin) => (this.pools.get(origin) ?? this.plainPool(origin))?.preconnect(each));
    const ac = new AbortController();
    const onAbort = (): void => ac.abort();
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      await Promise.race([Promise.all(opening), sleep(checkTimeoutMs, undefined, { signal: ac.signal }).catch(() => undefined)]);
    } finally {
      signal.removeEventListener("abort", onAbort);
      ac.abort();
    }
  }

  invoke(inv: Invocation, signal: AbortSignal, receipt?: WriteReceipt): Promise<InvokeResult> {
    const request = this.routes.route(inv.fn).request(inv);
    let pool = this.pools.get(request.origin);
    if (pool === undefined) pool = this.plainPool(request.origin);
    if (pool !== null) return exchangeRequest(pool, request, signal, classifyResponse, receipt);
    this.agent ??= new Agent({ connections: this.maxInFlight, pipelining: 1, headersTimeout: 0, bodyTimeout: 0, keepAliveTimeout: 60_000, connectTimeout: 10_000 });
    return dispatchRequest(this.agent, request, signal, classifyResponse, receipt);
  }

  async close(): Promise<void> {
    for (const pool of this.pools.values()) pool?.close();
    this.pools.clear();
    await this.agent?.destroy();
  }

  /** The connection pool of a plain-http origin, made on its first request; null for https. */
  private plainPool(origin: string): Http1Pool | null {
    const url = new URL(origin);
    const pool = url.protocol === "http:" ? new Http1Pool(url, { maxConnections: this.maxInFlight, idleMs }) : null;
    this.pools.set(origin, pool);
    return pool;
  }
}

/** The routes of `http:URL` without a function map: every invocation is the default POST to the URL. */
export function singleRoute(route: HttpRoute): HttpRoutes {
  return { route: () => route, origins: () => [route.origin] };
}
