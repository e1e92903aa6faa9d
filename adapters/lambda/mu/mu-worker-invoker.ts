import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { readLogTail, type LambdaReport } from "../report-line.ts";
import type { MuWorkerEvent, MuWorkerSummary } from "./mu-worker-handler.ts";

export interface MuWorkerInvokerOptions {
  readonly region: string;
  /** An Invoke-API endpoint other than AWS's (serverless-offline on loopback). */
  readonly endpoint?: string;
  readonly functionName: string;
  /** Worker invocations at once: the concurrency cap. */
  readonly maxInFlight: number;
  /** The socket-level limit of one worker invocation: the function's timeout plus a margin. */
  readonly requestTimeoutMs: number;
}

/** How one worker invocation ended. */
export interface MuWorkerInvocation {
  /** The handler's own account, when it returned. */
  readonly summary?: MuWorkerSummary;
  /** Why it did not return normally (a FunctionError, a crash, a refused or lost request). */
  readonly error?: string;
  readonly throttled: boolean;
  /** The REPORT line, when the platform sent a log tail (AWS does; serverless-offline does not). */
  readonly report?: LambdaReport;
  /** Send to answer on the driver's clock, ms. */
  readonly roundTripMs: number;
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/**
 * Starts μ workers as Lambda invocations through the official SDK, as `lambda:` does (RequestResponse
 * with the log tail, `maxAttempts: 1` so a throttle is seen here, keep-alive sockets up to the cap).
 * A worker's invocation lasts as long as the worker: it answers with the handler's summary.
 */
export class MuWorkerInvoker {
  private readonly client: LambdaClient;

  constructor(private readonly options: MuWorkerInvokerOptions) {
    process.env["AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"] ??= "true";
    const agent = { keepAlive: true, maxSockets: options.maxInFlight };
    this.client = new LambdaClient({
      region: options.region,
      maxAttempts: 1,
      ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
      requestHandler: { httpAgent: new HttpAgent(agent), httpsAgent: new HttpsAgent(agent), requestTimeout: options.requestTimeoutMs },
    });
  }

  async invoke(event: MuWorkerEvent): Promise<MuWorkerInvocation> {
    const sent = performance.now();
    try {
      const out = await this.client.send(new InvokeCommand({ FunctionName: this.options.functionName, LogType: "Tail", Payload: encoder.encode(JSON.stringify(event)) }));
      const roundTripMs = performance.now() - sent;
      const tail = out.LogResult !== undefined ? readLogTail(Buffer.from(out.LogResult, "base64").toString("utf8")) : undefined;
      const report = tail?.report;
      const text = out.Payload !== undefined ? decoder.decode(out.Payload) : "";
      if (out.FunctionError !== undefined || tail?.timedOut === true) {
        return { error: `FunctionError ${out.FunctionError ?? "timeout"}: ${text.replace(/\s+/g, " ").slice(0, 200)}`, throttled: false, roundTripMs, ...(report ? { report } : {}) };
      }
      return { summary: JSON.parse(text) as MuWorkerSummary, throttled: false, roundTripMs, ...(report ? { report } : {}) };
    } catch (error) {
      const e = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
      const throttled = e.name === "TooManyRequestsException" || e.$metadata?.httpStatusCode === 429;
      return { error: `${e.name ?? "Error"}: ${(e.message ?? String(error)).split("\n")[0]}`, throttled, roundTripMs: performance.now() - sent };
    }
  }

  close(): void {
    this.client.destroy();
  }
}
