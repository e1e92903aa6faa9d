import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Backend, OutcomeSink, RunSummary, SendFidelity } from "../../../adapters/backend.ts";
import { emptyOutcomeCounts } from "../../../adapters/backend.ts";
import { degradedReason, replay, ReplayInterruptedError } from "../../../harness/replay/replay.ts";
import { RunStore } from "../../../harness/store/run-store.ts";
import type { InvocationBatch } from "../../../traces/invocation.ts";
import { bimodalWeights, syntheticDefaults } from "../../../traces/synthetic/synthetic-config.ts";
import { syntheticTrace } from "../../../traces/synthetic/synthetic-trace.ts";
import { useTempDirs } from "../../support/temp-dir.ts";

const tempDir = useTempDirs();
const source = syntheticTrace({ ...syntheticDefaults, seed: 4, invocations: 20_000, cores: 40, classWeights: bimodalWeights(4) });

const fidelity = (latenessP99Ms: number): SendFidelity => ({
  latenessP50Ms: 0.1,
  latenessP99Ms,
  latenessMaxMs: latenessP99Ms * 2,
  intendedPerS: 100,
  achievedPerS: 100,
  sent: 20_000,
  dropped: 0,
});

/**
 * A stand-in for a network backend (the real ones are tested against a real server): it answers
 * every invocation at once, and when the signal aborts it stops taking invocations and returns,
 * as the open-loop driver does after draining.
 */
class StandInNetworkBackend implements Backend {
  readonly id = "test:stand-in-network";
  readonly config = {};
  readonly billing = { prices: [1, 2, 3, 4] };
  constructor(
    private readonly abortAfter: number | undefined,
    private readonly controller: AbortController,
    private readonly p99: number,
  ) {}
  async run(invocations: AsyncIterable<InvocationBatch>, sink: OutcomeSink, signal: AbortSignal): Promise<RunSummary> {
    let taken = 0;
    const outcomes = emptyOutcomeCounts();
    for await (const batch of invocations) {
      for (const inv of batch) {
        if (signal.aborted) break;
        sink.outcome(inv, { status: "ok", sentMs: inv.arrivalMs + 0.5, endMs: inv.arrivalMs + 3, httpStatus: 200, preemptions: 0, swappedOutMb: 0, costMicroCents: 0 });
        outcomes.ok++;
        if (++taken === this.abortAfter) this.controller.abort();
      }
      if (signal.aborted) break;
    }
    return { invocations: taken, outcomes, counters: {}, fidelity: fidelity(this.p99) };
  }
}

describe("how a network run ends", () => {
  it("Ctrl-C: the run is stored interrupted with every invocation the backend took accounted for", async () => {
    const store = await RunStore.open(join(tempDir(), "i.duckdb"));
    try {
      const controller = new AbortController();
      const run = replay({ store, trace: source, backends: [new StandInNetworkBackend(7_000, controller, 0.2)], seed: 4, signal: controller.signal });
      await expect(run).rejects.toThrow(ReplayInterruptedError);
      await expect(run).rejects.toThrow(/interrupted after 7000 invocations/);
      const [stored] = await store.query(`SELECT status, error, (SELECT count(*)::INTEGER FROM invocations) AS rows FROM runs`);
      expect(stored).toEqual({ status: "interrupted", error: "interrupted by the user after 7000 invocations, every one accounted for", rows: 7000 });
    } finally {
      store.close();
    }
  });

  it("p99 lateness over --max-lateness-ms: stored complete, and degraded in words", async () => {
    const store = await RunStore.open(join(tempDir(), "d.duckdb"));
    try {
      const never = new AbortController();
      const runs = await replay({
        store,
        trace: source,
        backends: [new StandInNetworkBackend(undefined, never, 12.34), new StandInNetworkBackend(undefined, never, 4.9)],
        seed: 4,
        signal: never.signal,
        maxLatenessMs: 5,
      });
      expect(runs.map((r) => r.degraded)).toEqual([expect.stringMatching(/^p99 lateness 12\.3 ms > --max-lateness-ms 5/), undefined]);
      const stored = await store.query(`SELECT status, degraded FROM runs ORDER BY run_id`);
      expect(stored).toEqual([
        { status: "complete", degraded: runs[0]!.degraded },
        { status: "complete", degraded: null },
      ]);
    } finally {
      store.close();
    }
  });

  it.each<[string, number | undefined, number | undefined, boolean]>([
    ["a simulator (no fidelity) is never degraded", undefined, 5, false],
    ["no limit given", 50, undefined, false],
    ["p99 at the limit is on time", 5, 5, false],
    ["p99 just over the limit", 5.01, 5, true],
  ])("degradedReason: %s", (_name, p99, limit, degraded) => {
    const summary: RunSummary = { invocations: 1, outcomes: emptyOutcomeCounts(), counters: {}, ...(p99 !== undefined ? { fidelity: fidelity(p99) } : {}) };
    expect(degradedReason(summary, limit) !== undefined).toBe(degraded);
  });
});
