import { Agent } from "undici";
import type { Invocation } from "../../traces/invocation.ts";
import type { InvokeResult, Invoker } from "../network/invoker.ts";
import { checkReachable } from "../network/reachable.ts";
import { dispatchRequest } from "./dispatch-request.ts";
import type { HttpRoute } from "./function-map.ts";
import { classifyResponse } from "./http-response.ts";

/** How long the pre-flight check waits for a TCP connection. */
const checkTimeoutMs = 5_000;

/** What the invoker needs from a function map (or the single default route). */
export interface HttpRoutes {
  route(fn: string): HttpRoute;
  origins(): string[];
}

/**
 * Sends each invocation as one HTTP request over undici's keep-alive pools (one per origin, up to
 * `maxInFlight` connections each, no pipelining, so a slow answer never holds up another request).
 * undici's own header and body timeouts are off: the driver owns the per-request timeout and
 * aborts the request's signal when it passes.
 */
export class HttpInvoker implements Invoker {
  private readonly agent: Agent;

  constructor(
    private readonly routes: HttpRoutes,
    maxInFlight: number,
  ) {
    this.agent = new Agent({ connections: maxInFlight, pipelining: 1, headersTimeout: 0, bodyTimeout: 0, keepAliveTimeout: 60_000, connectTimeout: 10_000 });
  }

  async check(signal: AbortSignal): Promise<void> {
    for (const origin of this.routes.origins()) await checkReachable(origin, checkTimeoutMs, signal);
  }

  invoke(inv: Invocation, signal: AbortSignal): Promise<InvokeResult> {
    return dispatchRequest(this.agent, this.routes.route(inv.fn).request(inv), signal, classifyResponse);
  }

  async close(): Promise<void> {
    await this.agent.destroy();
  }
}

/** The routes of `http:URL` without a function map: every invocation is the default POST to the URL. */
export function singleRoute(route: HttpRoute): HttpRoutes {
  return { route: () => route, origins: () => [route.origin] };
}
