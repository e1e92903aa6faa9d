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

/** A stand-in transport whose connections take `openMs` to open ahead of the run; answers at once. */
class SlowOpening implements Invoker {
  readonly opened: { connections: number; at: number }[] = [];
  readonly handedAt = new Map<number, number>();
  constructor(private readonly openMs: number) {}
  async check(): Promise<void> {}
  async preconnect(connections: number): Promise<void> {
    await new Promise((r) => setTimeout(r, this.openMs));
    this.opened.push({ connections, at: performance.now() });
  }
  async invoke(inv: Invocation): Promise<InvokeResult> {
    this.handedAt.set(inv.id, performance.now());
    return { status: "ok" };
  }
  async close(): Promise<void> {}
}

describe("open-loop driver: connections for the opening rate are opened before the clock starts", () => {
  it("asks for 50 ms of the first batch's rate (1,000/s → 50) once, and the clock starts after they are up", async () => {
    const invoker = new SlowOpening(150);
    const sink = new RecordingSink();
    const opening = Array.from({ length: 40 }, (_, id) => invocation({ id, arrivalMs: id, workMs: 1 }));
    const summary = await driveOpenLoop(invoker, once(opening), sink, new AbortController().signal, { ...defaultNetworkOptions, bill: () => 0 });
    expect(invoker.opened.map((o) => o.connections)).toEqual([50]);
    // Had the clock started before the 150 ms of opening, every send would be over 100 ms late.
    expect(summary.fidelity!.latenessMaxMs).toBeLessThan(50);
    expect(Math.min(...invoker.handedAt.values())).toBeGreaterThanOrEqual(invoker.opened[0]!.at);
    expect(sink.outcomes).toHaveLength(40);
  });

  it("asks for no more than --max-in-flight, and nothing for an empty stream", async () => {
    const invoker = new SlowOpening(0);
    const burst = Array.from({ length: 30 }, (_, id) => invocation({ id, arrivalMs: 5, workMs: 1 }));
    await driveOpenLoop(invoker, once(burst), new RecordingSink(), new AbortController().signal, { ...defaultNetworkOptions, maxInFlight: 12, bill: () => 0 });
    expect(invoker.opened.map((o) => o.connections)).toEqual([12]);
    const idle = new SlowOpening(0);
    await driveOpenLoop(idle, once([]), new RecordingSink(), new AbortController().signal, { ...defaultNetworkOptions, bill: () => 0 });
    expect(idle.opened).toEqual([]);
  });
});
