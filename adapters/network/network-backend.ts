import type { InvocationBatch } from "../../traces/invocation.ts";
import type { Backend, BackendBilling, OutcomeSink, RunSummary } from "../backend.ts";
import { perInvocationModels, type PerInvocationModelName } from "../billing/billing-model.ts";
import { compileModelCost } from "../billing/compile-cost.ts";
import type { Invoker } from "./invoker.ts";
import type { NetworkOptions } from "./network-options.ts";
import { driveOpenLoop, type NetworkProgressListener } from "./open-loop-driver.ts";

export interface NetworkBackendSpec {
  readonly id: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly billing: BackendBilling;
  /** The model this backend's rows are billed under (also stored in `config.billingModel`). */
  readonly billingModel: PerInvocationModelName;
  readonly options: NetworkOptions;
  /** A fresh transport for one run; closed when the run ends. */
  readonly invoker: () => Invoker;
  readonly onProgress?: NetworkProgressListener;
}

/**
 * Any network target behind the Backend contract: the transport (an Invoker) plus the shared
 * open-loop driver. `http:`, `live:` and `lambda:` differ only in their Invoker.
 */
export class NetworkBackend implements Backend {
  readonly id: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly billing: BackendBilling;
  readonly pacing = "wall-clock";

  constructor(private readonly spec: NetworkBackendSpec) {
    this.id = spec.id;
    this.config = spec.config;
    this.billing = spec.billing;
  }

  /**
   * Throws a one-line Error when the target cannot be reached. `run` does this itself before its
   * first send; the CLI may call it earlier, before the run is stored.
   */
  async preflight(signal: AbortSignal): Promise<void> {
    const invoker = this.spec.invoker();
    try {
      await invoker.check(signal);
    } finally {
      await invoker.close();
    }
  }

  async run(invocations: AsyncIterable<InvocationBatch>, sink: OutcomeSink, signal: AbortSignal): Promise<RunSummary> {
    const invoker = this.spec.invoker();
    try {
      await invoker.check(signal);
      return await driveOpenLoop(invoker, invocations, sink, signal, {
        ...this.spec.options,
        bill: compileModelCost(perInvocationModels[this.spec.billingModel], this.spec.billing.prices),
        ...(this.spec.onProgress ? { onProgress: this.spec.onProgress } : {}),
      });
    } finally {
      await invoker.close();
    }
  }
}
