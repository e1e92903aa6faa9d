import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { setTimeout as sleep } from "node:timers/promises";
import { GetFunctionConfigurationCommand, InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import type { Invocation } from "../../traces/invocation.ts";
import type { InvokeResult, Invoker } from "../network/invoker.ts";
import { checkReachable } from "../network/reachable.ts";
import { isRetryable, resultOfAnswer, resultOfError } from "./invoke-result.ts";
import type { LambdaFunctionMap } from "./lambda-function-map.ts";
import { retryDelayMs, type RetryPolicy } from "./retry-policy.ts";

/** How the synthetic-work handler does its work: on the CPU clock, or by sleeping (the seeds' probe). */
export type LambdaWorkMode = "cpu" | "sleep";

export interface LambdaInvokerOptions {
  readonly region: string;
  /** An Invoke-API endpoint other than AWS's (an emulator on loopback); absent: AWS itself. */
  readonly endpoint?: string;
  readonly functions: LambdaFunctionMap;
  readonly retry: RetryPolicy;
  readonly workMode: LambdaWorkMode;
  readonly maxInFlight: number;
  /** The socket-level limit of one request, ms: the driver's `--timeout-ms` plus a margin (see below). */
  readonly requestTimeoutMs: number;
  /** Called by the pre-flight check with the account id read from the function's ARN. */
  readonly onAccount?: (accountId: string) => void;
}

const checkTimeoutMs = 10_000;
const encoder = new TextEncoder();

/** The payload the synthetic-work handler reads (see synthetic-work-handler.ts). */
export function lambdaPayload(inv: Invocation, mode: LambdaWorkMode): Uint8Array {
  return encoder.encode(JSON.stringify({ id: inv.id, fn: inv.fn, workMs: inv.workMs, memPeakMb: inv.memPeakMb, mode }));
}

/**
 * Sends each invocation with the official SDK's InvokeCommand (RequestResponse, `LogType:
 * "Tail"` so the answer carries the REPORT line). Credentials come only from the SDK's standard
 * chain; the SDK never retries (`maxAttempts: 1`), so a throttle is seen and counted here.
 * Sockets are keep-alive, up to `maxInFlight` per origin so the driver's bound is the only one.
 *
 * The SDK's CPU per call is the client's bottleneck (bench/lambda-sdk.bench.ts): rebuilding the
 * middleware stack for every command is a large share of it, so the client caches it
 * (`cacheMiddleware`). The cache is used only for sends without per-call options, so requests
 * are not given the driver's abort signal; a request the driver gave up is instead ended by the
 * socket timeout (`requestTimeoutMs`, just past the driver's) and by `close()`.
 */
export class LambdaInvoker implements Invoker {
  private readonly client: LambdaClient;

  constructor(private readonly options: LambdaInvokerOptions) {
    // The SDK warns on Node 20 that releases after January 2027 will need Node 22; the version is
    // pinned (package.json), so the warning says nothing about this build and would interleave
    // with the progress line. Its own switch turns it off.
    process.env["AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"] ??= "true";
    const agent = { keepAlive: true, maxSockets: options.maxInFlight };
    this.client = new LambdaClient({
      region: options.region,
      maxAttempts: 1,
      cacheMiddleware: true,
      ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
      requestHandler: { httpAgent: new HttpAgent(agent), httpsAgent: new HttpsAgent(agent), requestTimeout: options.requestTimeoutMs },
    });
  }

  /**
   * Against an emulator, a TCP connection is enough (serverless-offline has no configuration
   * API). Against AWS, every mapped function is looked up: a missing function, a region without
   * it or missing credentials is one line before anything is sent, and the ARN gives the
   * account id the run records.
   */
  async check(signal: AbortSignal): Promise<void> {
    // Resolving the credential chain takes tens of ms the first time: done here, it is not
    // charged to the first invocation's latency (which the probe reads as a cold start).
    try {
      await this.client.config.credentials();
    } catch (error) {
      throw new Error(`lambda:${this.options.region}: no AWS credentials in the standard chain (environment, shared config, SSO, instance role): ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
    }
    if (this.options.endpoint !== undefined) {
      await checkReachable(new URL(this.options.endpoint).origin, checkTimeoutMs, signal);
      return;
    }
    for (const name of this.options.functions.functionNames()) {
      try {
        const config = await this.client.send(new GetFunctionConfigurationCommand({ FunctionName: name }), { abortSignal: signal });
        const account = config.FunctionArn?.split(":")[4];
        if (account) this.options.onAccount?.(account);
      } catch (error) {
        const e = error as { name?: string; message?: string };
        const why = e.name === "ResourceNotFoundException" ? "does not exist there (deploy it: xxbench lambda deploy)" : `cannot be looked up (${e.name ?? "Error"}: ${e.message ?? String(error)})`;
        throw new Error(`lambda:${this.options.region}: function ${name} ${why}`);
      }
    }
  }

  async invoke(inv: Invocation, signal: AbortSignal): Promise<InvokeResult> {
    const command = new InvokeCommand({ FunctionName: this.options.functions.functionName(inv.fn), LogType: "Tail", Payload: lambdaPayload(inv, this.options.workMode) });
    for (let retries = 0; ; retries++) {
      const result = await this.once(command);
      if (signal.aborted) return { status: "timeout", error: "aborted by the driver", retries };
      if (!isRetryable(result) || retries >= this.options.retry.maxRetries) return { ...result, retries };
      await sleep(retryDelayMs(this.options.retry, retries + 1), undefined, { signal }).catch(() => undefined);
      if (signal.aborted) return { status: "timeout", error: `aborted by the driver while waiting to retry after: ${result.error ?? result.status}`, retries };
    }
  }

  private async once(command: InvokeCommand): Promise<InvokeResult> {
    try {
      const out = await this.client.send(command);
      return resultOfAnswer({
        ...(out.StatusCode !== undefined ? { statusCode: out.StatusCode } : {}),
        ...(out.FunctionError !== undefined ? { functionError: out.FunctionError } : {}),
        ...(out.LogResult !== undefined ? { logResult: out.LogResult } : {}),
        ...(out.Payload !== undefined ? { payload: out.Payload } : {}),
      });
    } catch (error) {
      return resultOfError(error);
    }
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}
