import { describe, expect, it } from "vitest";
import type { InvokeResult, Invoker, WriteReceipt } from "../../../adapters/network/invoker.ts";
import { defaultNetworkOptions } from "../../../adapters/network/network-options.ts";
import { driveOpenLoop } from "../../../adapters/network/open-loop-driver.ts";
import type { Invocation, InvocationBatch } from "../../../traces/invocation.ts";
import { invocation } from "../../support/run-invocations.ts";
import { RecordingSink } from "../../support/recording-sink.ts";

/**
 * A stand-in transport (the driver's contract, no network): it says it wrote each request
 * `writeDelayMs` after the driver handed it over, or never says so, and answers 1 ms after that.
 */
class DelayedWriter implements Invoker {
  readonly writtenAt = new Map<number, number>();
  constructor(private readonly writeDelayMs: number | undefined) {}
  async check(): Promise<void> {}
  invoke(inv: Invocation, _signal: AbortSignal, receipt?: WriteReceipt): Promise<InvokeResult> {
    return new Promise((resolve) => {
      const delay = this.writeDelayMs;
      if (delay === undefined) return setTimeout(() => resolve({ status: "ok" }), 1);
      setTimeout(() => {
        const at = performance.now();
        this.writtenAt.set(inv.id, at);
        receipt?.written(at);
        // A second report is ignored: the first write is the send.
        receipt?.written(at + 1000);
        setTimeout(() => resolve({ status: "ok" }), 1);
      }, delay);
    });
  }
  async close(): Promise<void> {}
}

async function* once(batch: InvocationBatch): AsyncGenerator<InvocationBatch> {
  yield batch;
}

const trace = Array.from({ length: 10 }, (_, id) => invocation({ id, arrivalMs: 20 + id * 5, workMs: 1 }));

describe("open-loop driver: lateness is measured from when the transport wrote the request", () => {
  it("a transport that writes 30 ms after the hand-over: every send is about 30 ms late (timers may fire a ms early), and sentMs is the write", async () => {
    const invoker = new DelayedWriter(30);
    const sink = new RecordingSink();
    const t0 = performance.now();
    const summary = await driveOpenLoop(invoker, once(trace), sink, new AbortController().signal, { ...defaultNetworkOptions, bill: () => 0 });
    expect(summary.fidelity!.sent).toBe(10);
    expect(summary.fidelity!.latenessP50Ms).toBeGreaterThanOrEqual(28);
    expect(sink.outcomes).toHaveLength(10);
    for (const { inv, outcome } of sink.outcomes) {
      // t0 of the run is taken just after ours: sentMs is the write on the run's clock, within 5 ms.
      expect(outcome.sentMs! + t0).toBeGreaterThan(invoker.writtenAt.get(inv.id)! - 5);
      expect(outcome.sentMs! + t0).toBeLessThanOrEqual(invoker.writtenAt.get(inv.id)!);
      expect(outcome.sentMs! - inv.arrivalMs).toBeGreaterThanOrEqual(28);
    }
  });

  it("a transport that never reports its writes: the hand-over is the send, so lateness stays small", async () => {
    const sink = new RecordingSink();
    const summary = await driveOpenLoop(new DelayedWriter(undefined), once(trace), sink, new AbortController().signal, { ...defaultNetworkOptions, bill: () => 0 });
    expect(summary.fidelity!.sent).toBe(10);
    // Loose on purpose: this bounds the machine's stalls, not the driver's precision (see npm run bench).
    expect(summary.fidelity!.latenessP50Ms).toBeLessThan(20);
    expect(sink.outcomes.every(({ inv, outcome }) => outcome.sentMs! >= inv.arrivalMs)).toBe(true);
  });
});
