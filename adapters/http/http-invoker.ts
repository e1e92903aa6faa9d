import { Agent } from "undici";
import type { Invocation } from "../../traces/invocation.ts";
import type { InvokeResult, Invoker } from "../network/invoker.ts";
import { checkReachable } from "../network/reachable.ts";
import type { FunctionMap, HttpRoute } from "./function-map.ts";
import { connectionErrorText } from "../network/connection-error.ts";
import { classifyResponse } from "./http-response.ts";

/** How long the pre-flight check waits for a TCP connection. */
const checkTimeoutMs = 5_000;

/**
 * Sends each invocation as one HTTP request over undici's keep-alive pools (one per origin, up to
 * `maxInFlight` connections each, no pipelining, so a slow answer never holds up another request).
 * undici's own header and body timeouts are off: the driver owns the per-request timeout and
 * aborts the request's signal when it passes.
 */
export class HttpInvoker implements Invoker {
  private readonly agent: Agent;

  constructor(
    private readonly routes: { route(fn: string): HttpRoute; origins(): string[] },
    maxInFlight: number,
  ) {
    this.agent = new Agent({ connections: maxInFlight, pipelining: 1, headersTimeout: 0, bodyTimeout: 0, keepAliveTimeout: 60_000, connectTimeout: 10_000 });
  }

  async check(signal: AbortSignal): Promise<void> {
    for (const origin of this.routes.origins()) await checkReachable(origin, checkTimeoutMs, signal);
  }

  async invoke(inv: Invocation, signal: AbortSignal): Promise<InvokeResult> {
    const request = this.routes.route(inv.fn).request(inv);
    try {
      const response = await this.agent.request({ ...request, signal });
      const body = await response.body.text();
      return classifyResponse(response.statusCode, response.headers, body);
    } catch (error) {
      if (signal.aborted) return { status: "timeout", error: "aborted by the driver" };
      return { status: "failed", error: connectionErrorText(error) };
    }
  }

  async close(): Promise<void> {
    await this.agent.destroy();
  }
}

/** The routes of `http:URL` without a function map: every invocation is the default POST to the URL. */
export function singleRoute(route: HttpRoute): { route(fn: string): HttpRoute; origins(): string[] } {
  return { route: () => route, origins: () => [route.origin] };
}

export type { FunctionMap };
