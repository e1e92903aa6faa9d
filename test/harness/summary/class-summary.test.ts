import { describe, expect, it } from "vitest";
import type { Outcome } from "../../../adapters/backend.ts";
import type { RunStore } from "../../../harness/store/run-store.ts";
import { classSummaries } from "../../../harness/summary/class-summary.ts";
import { formatClassSummaries } from "../../../harness/summary/format-class-summaries.ts";
import { invocation } from "../../support/run-invocations.ts";
import { openTempStore } from "../../support/temp-store.ts";

/** One run whose class-0 invocations waited 1, 2, 3 and 10 ms to be placed; one was killed. */
async function storeWithRun(backend: string, waits: readonly number[]): Promise<{ store: RunStore; runId: number; dispose: () => void }> {
  const { store, dispose } = await openTempStore();
  const runId = await store.beginRun({ backend, traceKind: "test", seed: 1, config: {}, manifest: {} });
  const writer = await store.openRunWriter(runId);
  waits.forEach((wait, id) => {
    const inv = invocation({ id, arrivalMs: 100 * id, workMs: 50 });
    const killed = id === 3;
    const outcome: Outcome = {
      status: killed ? "killed" : "ok",
      placedMs: inv.arrivalMs + wait,
      startMs: inv.arrivalMs + wait,
      endMs: inv.arrivalMs + wait + (killed ? 20 : 50),
      machine: 0,
      preemptions: 0,
      swappedOutMb: 0,
      costMicroCents: 0,
    };
    writer.outcome(inv, outcome);
  });
  await writer.close();
  await store.completeRun(runId, { invocations: waits.length, streamDigest: "d", wallMs: 1, manifest: {} });
  return { store, runId, dispose };
}

describe("the per-class summary's wait to be placed", () => {
  it("averages placed − arrival over every placed invocation, killed ones included, with its p99", async () => {
    const { store, runId, dispose } = await storeWithRun("sim:xx", [1, 2, 3, 10]);
    try {
      const [row] = await classSummaries(store, [runId]);
      expect(row!.placeWaitMeanMs).toBe(4);
      // quantile_cont over [1, 2, 3, 10] at 0.99: 3 + 0.97 × (10 − 3).
      expect(row!.placeWaitP99Ms).toBeCloseTo(9.79, 10);
      expect(row!.ok).toBe(3);
      const table = formatClassSummaries([row!], new Map([[runId, [1]]]));
      expect(table.split("\n")[0]).toMatch(/place wait ms {2}place wait p99$/);
      expect(table.split("\n")[2]).toMatch(/ 4 +9\.790$/);
    } finally {
      dispose();
    }
  });

  it("is left out of the table when every invocation was placed on arrival", async () => {
    const { store, runId, dispose } = await storeWithRun("sim:hermod", [0, 0, 0, 0]);
    try {
      const rows = await classSummaries(store, [runId]);
      expect(rows[0]!.placeWaitP99Ms).toBe(0);
      expect(formatClassSummaries(rows, new Map())).not.toContain("place wait");
    } finally {
      dispose();
    }
  });
});
