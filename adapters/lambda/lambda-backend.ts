import type { InvocationBatch } from "../../traces/invocation.ts";
import type { Backend, BackendBilling, OutcomeSink, RunSummary } from "../backend.ts";
import type { PerInvocationModelName } from "../billing/billing-model.ts";
import { NetworkBackend } from "../network/network-backend.ts";
import type { NetworkOptions } from "../network/network-options.ts";
import type { NetworkProgressListener } from "../network/open-loop-driver.ts";
import { lambdaCostFunction } from "./lambda-cost.ts";
import { LambdaFunctionMap } from "./lambda-function-map.ts";
import { LambdaInvoker } from "./lambda-invoker.ts";
import { lambdaPrice, type LambdaArchitecture } from "./lambda-prices.ts";
import { parseLambdaTarget, type LambdaTarget } from "./lambda-target.ts";
import { noRetries } from "./retry-policy.ts";

export interface LambdaBackendOptions {
  readonly network: NetworkOptions;
  /** A Lambda function-map file (trace function → Lambda function name). */
  readonly functionMapPath?: string;
  readonly onProgress?: NetworkProgressListener;
  /**
   * An Invoke-API endpoint other than AWS's; by default the standard `AWS_ENDPOINT_URL_LAMBDA`
   * (or `AWS_ENDPOINT_URL`) variable, as the SDK itself reads it.
   */
  readonly endpoint?: string;
}

export function billingModelOf(arch: LambdaArchitecture): PerInvocationModelName {
  return arch === "arm64" ? "lambda-arm" : "lambda-x86";
}

/** The endpoint the SDK would use from the standard environment, if any. */
export function endpointFromEnvironment(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env["AWS_ENDPOINT_URL_LAMBDA"] ?? env["AWS_ENDPOINT_URL"];
}

/**
 * `lambda:REGION`: every invocation an InvokeCommand through the official SDK, paced by the
 * shared open-loop driver like `http:`. Rows carry the REPORT line's figures and are billed from
 * them. The stored config names the region, the endpoint when it is not AWS's, and, once the
 * pre-flight has looked the function up, the account id; never a credential.
 */
export class LambdaBackend implements Backend {
  readonly id: string;
  /** What the id names (region, arch, memory for estimates, …). */
  readonly target: LambdaTarget;
  readonly billing: BackendBilling;
  readonly pacing = "wall-clock";
  private readonly network: NetworkBackend;
  private readonly baseConfig: Readonly<Record<string, unknown>>;
  private accountId: string | undefined;

  constructor(spec: string, options: LambdaBackendOptions, prices: readonly number[]) {
    const target = parseLambdaTarget(spec);
    this.target = target;
    const price = lambdaPrice(target.region);
    const functions = options.functionMapPath !== undefined ? LambdaFunctionMap.load(options.functionMapPath) : LambdaFunctionMap.single(target.functionName);
    const endpoint = options.endpoint ?? endpointFromEnvironment();
    const billingModel = billingModelOf(target.arch);
    this.id = `lambda:${spec}`;
    this.billing = { prices };
    this.baseConfig = {
      region: target.region,
      arch: target.arch,
      ...(endpoint !== undefined ? { endpoint } : {}),
      functions: functions.functionNames(),
      ...(functions.path !== undefined ? { functionMap: functions.path, functionMapDigest: functions.digest } : {}),
      retries: target.retries,
      workMode: target.workMode,
      memoryMb: target.memoryMb,
      ...options.network,
      prices,
      billingModel,
      lambdaPrice: price,
    };
    const retry = { ...noRetries, maxRetries: target.retries };
    this.network = new NetworkBackend({
      id: this.id,
      config: this.baseConfig,
      billing: this.billing,
      billingModel,
      bill: lambdaCostFunction(price, target.arch),
      options: options.network,
      invoker: () =>
        new LambdaInvoker({
          region: target.region,
          ...(endpoint !== undefined ? { endpoint } : {}),
          functions,
          retry,
          workMode: target.workMode,
          maxInFlight: options.network.maxInFlight,
          requestTimeoutMs: options.network.timeoutMs + 1000,
          onAccount: (account) => (this.accountId = account),
        }),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
  }

  /** The config as stored: with the account id once the pre-flight has read it. */
  get config(): Readonly<Record<string, unknown>> {
    return this.accountId === undefined ? this.baseConfig : { ...this.baseConfig, accountId: this.accountId };
  }

  preflight(signal: AbortSignal): Promise<void> {
    return this.network.preflight(signal);
  }

  run(invocations: AsyncIterable<InvocationBatch>, sink: OutcomeSink, signal: AbortSignal): Promise<RunSummary> {
    return this.network.run(invocations, sink, signal);
  }
}
