import { Agent } from "undici";
import type { Invocation } from "../../traces/invocation.ts";
import { classifyResponse, type ResponseHeaders } from "../http/http-response.ts";
import { connectionErrorText } from "../network/connection-error.ts";
import type { InvokeResult, Invoker } from "../network/invoker.ts";
import { checkReachable } from "../network/reachable.ts";
import { killedStatus, liveHeaders } from "./live-headers.ts";

const checkTimeoutMs = 5_000;

/**
 * The `live:` backend's transport: each invocation one POST to the plane's gateway, with the API
 * key of the invocation's tenant, over undici keep-alive connections. The answer is classified
 * like any HTTP target's (2xx ok, 429 throttled, else failed with its first line), and the plane's
 * timing breakdown is read from its headers into the outcome: when the shard placed it and when
 * it first got CPU (ms after the send, on the assumption that the loopback hop to the gateway
 * is negligible: the gateway measures from when it read the request), the machine, the class it
 * ran at and its preemptions, and the breakdown of its time (shard queue, machine queue, cold
 * start, preempted, swap-in).
 */
export class LiveInvoker implements Invoker {
  private readonly agent: Agent;
  private readonly path: string;
  private readonly origin: string;

  constructor(
    gatewayUrl: URL,
    private readonly keys: Readonly<Record<string, string>>,
    maxInFlight: number,
  ) {
    this.origin = gatewayUrl.origin;
    this.path = `${gatewayUrl.pathname.replace(/\/$/, "")}/invoke`;
    this.agent = new Agent({ connections: maxInFlight, pipelining: 1, headersTimeout: 0, bodyTimeout: 0, keepAliveTimeout: 60_000, connectTimeout: 10_000 });
  }

  async check(signal: AbortSignal): Promise<void> {
    await checkReachable(this.origin, checkTimeoutMs, signal);
  }

  async invoke(inv: Invocation, signal: AbortSignal): Promise<InvokeResult> {
    const key = this.keys[inv.tenant];
    if (key === undefined) return { status: "failed", error: `no API key for tenant ${inv.tenant} in the cluster state` };
    const body = JSON.stringify({ id: inv.id, fn: inv.fn, tenant: inv.tenant, priceClass: inv.priceClass, workMs: inv.workMs, memStartMb: inv.memStartMb, memPeakMb: inv.memPeakMb, ...(inv.parentId !== undefined ? { parentId: inv.parentId } : {}) });
    try {
      const response = await this.agent.request({
        origin: this.origin,
        path: this.path,
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
        body,
        signal,
      });
      const text = await response.body.text();
      const result = { ...classifyResponse(response.statusCode, response.headers, text), ...planeBreakdown(response.headers) };
      // The agent's memory-pressure kill (machine-agent.ts): XX's own outcome, not a transport failure.
      return response.statusCode === killedStatus ? { ...result, status: "killed" } : result;
    } catch (error) {
      if (signal.aborted) return { status: "timeout", error: "aborted by the driver" };
      return { status: "failed", error: connectionErrorText(error) };
    }
  }

  async close(): Promise<void> {
    await this.agent.destroy();
  }
}

/** The plane's headers as outcome fields; absent or malformed headers are left out. */
export function planeBreakdown(headers: ResponseHeaders): Pick<
  InvokeResult,
  "placedAfterMs" | "startedAfterMs" | "machine" | "ranClass" | "preemptions" | "swappedOutMb" | "swapOuts" | "shardQueueMs" | "machineQueueMs" | "coldStartMs" | "preemptedMs" | "swapInMs"
> {
  const read = (name: string): number | undefined => {
    const value = headers[name];
    const text = Array.isArray(value) ? value[0] : value;
    if (text === undefined || text.trim() === "") return undefined;
    const n = Number(text);
    return Number.isFinite(n) && n >= 0 ? n : undefined;
  };
  const out: { -readonly [K in keyof ReturnType<typeof planeBreakdown>]: ReturnType<typeof planeBreakdown>[K] } = {};
  const placed = read(liveHeaders.placedAfter);
  const started = read(liveHeaders.startedAfter);
  const machine = read(liveHeaders.machine);
  const ranClass = read(liveHeaders.ranClass);
  const preemptions = read(liveHeaders.preemptions);
  if (placed !== undefined) out.placedAfterMs = placed;
  if (started !== undefined) out.startedAfterMs = started;
  if (machine !== undefined && Number.isInteger(machine)) out.machine = machine;
  if (ranClass !== undefined && Number.isInteger(ranClass)) out.ranClass = ranClass;
  if (preemptions !== undefined && Number.isInteger(preemptions)) out.preemptions = preemptions;
  const swapOuts = read(liveHeaders.swapOuts);
  const swappedOut = read(liveHeaders.swappedOut);
  if (swapOuts !== undefined && Number.isInteger(swapOuts)) out.swapOuts = swapOuts;
  if (swappedOut !== undefined) out.swappedOutMb = swappedOut;
  const shardQueue = read(liveHeaders.shardWait);
  const machineQueue = read(liveHeaders.machineQueue);
  const coldStart = read(liveHeaders.coldStart);
  const preempted = read(liveHeaders.preempted);
  const swapIn = read(liveHeaders.swapIn);
  if (shardQueue !== undefined) out.shardQueueMs = shardQueue;
  if (machineQueue !== undefined) out.machineQueueMs = machineQueue;
  if (coldStart !== undefined) out.coldStartMs = coldStart;
  if (preempted !== undefined) out.preemptedMs = preempted;
  if (swapIn !== undefined) out.swapInMs = swapIn;
  return out;
}
