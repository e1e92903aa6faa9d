import { describe, expect, it } from "vitest";
import { buildReport } from "../../reports/build-report.ts";
import { loadReportRuns } from "../../reports/report-runs.ts";
import type { RunStore } from "../../harness/store/run-store.ts";
import { openTempStore } from "../support/temp-store.ts";
import { invocation } from "../support/run-invocations.ts";

/** A stored cell of a sweep of `of` cells, as `sweep cell` stores it (its identity in the manifest). */
async function storeCell(store: RunStore, sweep: string, index: number, of: number, status: "complete" | "failed"): Promise<number> {
  const manifest = { sweepCell: { sweepId: `${sweep}-id`, index, of, attempt: "a" } };
  const runId = await store.beginRun({ backend: "sim:xx", traceKind: "synthetic", seed: index, config: { prices: [1] }, manifest, sweep });
  const writer = await store.openRunWriter(runId);
  writer.outcome(invocation({ id: 0, arrivalMs: 0, workMs: 1 }), { status: "ok", startMs: 0, endMs: 1, preemptions: 0, swappedOutMb: 0, costMicroCents: 0 });
  await writer.close();
  if (status === "complete") await store.completeRun(runId, { invocations: 1, streamDigest: `d${index}`, wallMs: 1, manifest });
  else await store.endRunUnfinished(runId, "failed", "cell failed", 1);
  return runId;
}

describe("a report of a sweep with missing cells says so", () => {
  it("warns with the count of complete cells for an incomplete sweep, and not for a complete one", async () => {
    const { store, dispose } = await openTempStore();
    try {
      const partial = [await storeCell(store, "half", 0, 3, "complete"), await storeCell(store, "half", 1, 3, "complete")];
      await storeCell(store, "half", 2, 3, "failed");
      const whole = [await storeCell(store, "whole", 0, 2, "complete"), await storeCell(store, "whole", 1, 2, "complete")];
      const half = await buildReport(store, await loadReportRuns(store, { runIds: partial }), { sections: ["percentiles"] });
      expect(half.warnings.filter((w) => w.startsWith("sweep "))).toEqual([
        "sweep half is incomplete: 2 of 3 cells have a complete run, so its figures miss the rest (`xxbench sweep status` lists them; `xxbench sweep resume` reruns them)",
      ]);
      const complete = await buildReport(store, await loadReportRuns(store, { runIds: whole }), { sections: ["percentiles"] });
      expect(complete.warnings.filter((w) => w.startsWith("sweep "))).toEqual([]);
    } finally {
      dispose();
    }
  });
});
