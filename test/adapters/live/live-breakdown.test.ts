import { afterEach, describe, expect, it } from "vitest";
import { liveBackend } from "../../../adapters/live/live-backend.ts";
import { defaultNetworkOptions } from "../../../adapters/network/network-options.ts";
import { replay } from "../../../harness/replay/replay.ts";
import { buildReport } from "../../../reports/build-report.ts";
import { loadReportRuns } from "../../../reports/report-runs.ts";
import type { LiveBreakdownSummary } from "../../../reports/sections/live-breakdown-section.ts";
import type { Invocation, TraceSource } from "../../../traces/invocation.ts";
import { CountingStream } from "../../support/paced-stream.ts";
import { invocation } from "../../support/run-invocations.ts";
import { openTempStore } from "../../support/temp-store.ts";
import { startTestCluster, type TestCluster } from "./live-cluster-support.ts";

const prices = [0.5, 1, 1.5, 2];

function traceOf(invocations: readonly Invocation[]): TraceSource {
  return { kind: "test", spec: { invocations: invocations.length }, prices, expectedInvocations: invocations.length, open: () => new CountingStream(invocations, 8) };
}

interface BreakdownRow {
  id: number;
  price_class: number;
  work_ms: number;
  preemptions: number;
  placed_after: number;
  started_after: number;
  response: number;
  server_exec_ms: number;
  shard_queue_ms: number | null;
  machine_queue_ms: number | null;
  cold_start_ms: number | null;
  preempted_ms: number | null;
  swap_in_ms: number | null;
}

describe("the live plane's timing breakdown, stored per invocation by replay --backend live: (real processes on loopback)", () => {
  let cluster: TestCluster | undefined;
  afterEach(async () => {
    await cluster?.down();
    cluster = undefined;
  });

  it("a low-class call preempted by a high-class one on a one-core machine: every part stored, consistent, and the report's parts add up", async () => {
    cluster = await startTestCluster({ machines: 1, cores: 1, warm: 2 });
    const { store, dispose } = await openTempStore();
    try {
      const backend = liveBackend(cluster.state.gatewayUrl, { network: defaultNetworkOptions, clusterDir: cluster.dir }, prices);
      // The class-0 call runs alone for 200 ms; the class-3 one then takes the only core for its 300 ms.
      const trace = traceOf([
        invocation({ id: 0, arrivalMs: 0, workMs: 600, priceClass: 0, tenant: "tenant-0", memPeakMb: 10 }),
        invocation({ id: 1, arrivalMs: 200, workMs: 300, priceClass: 3, tenant: "tenant-1", memPeakMb: 10 }),
      ]);
      const [run] = await replay({ store, trace, backends: [backend], seed: 1, signal: new AbortController().signal, maxLatenessMs: 1000 });
      expect(run!.summary.outcomes).toEqual({ ok: 2, killed: 0, throttled: 0, failed: 0, timeout: 0, dropped: 0 });
      const rows = (await store.query(
        `SELECT invocation_id::INTEGER AS id, price_class::INTEGER AS price_class, work_ms, preemptions::INTEGER AS preemptions,
                placed_ms - sent_ms AS placed_after, start_ms - sent_ms AS started_after, end_ms - sent_ms AS response, server_exec_ms,
                shard_queue_ms, machine_queue_ms, cold_start_ms, preempted_ms, swap_in_ms
         FROM invocations WHERE run_id = $run ORDER BY invocation_id`,
        { run: run!.runId },
      )) as unknown as BreakdownRow[];
      expect(rows.map((r) => [r.id, r.price_class, r.preemptions])).toEqual([
        [0, 0, 1],
        [1, 3, 0],
      ]);
      for (const r of rows) {
        for (const v of [r.shard_queue_ms, r.machine_queue_ms, r.cold_start_ms, r.preempted_ms, r.swap_in_ms]) {
          expect(v).not.toBeNull();
          expect(v).toBeGreaterThanOrEqual(0);
        }
        // The shard's queue is part of the placement round trip; the machine's queue, with any cold start in it, is what lies between placement and first CPU.
        expect(r.shard_queue_ms!).toBeLessThanOrEqual(r.placed_after + 0.01);
        expect(r.cold_start_ms!).toBeLessThanOrEqual(r.machine_queue_ms! + 0.01);
        expect(r.started_after).toBeCloseTo(r.placed_after + r.machine_queue_ms!, 1);
        // No swap device in this cluster: nothing is ever swapped back in.
        expect(r.swap_in_ms).toBe(0);
        // Execution less the stops is the timed work itself, give or take timer slack.
        const running = r.server_exec_ms - r.preempted_ms! - r.swap_in_ms!;
        expect(running).toBeGreaterThanOrEqual(r.work_ms - 1);
        expect(running).toBeLessThan(r.work_ms + 100);
        // The plane's parts fit inside the client's round trip.
        expect(r.shard_queue_ms! + r.machine_queue_ms! + r.server_exec_ms).toBeLessThanOrEqual(r.response + 1);
      }
      const [low, high] = rows;
      // Stopped for about as long as the high-class call ran; the high-class call never stopped.
      expect(low!.preempted_ms!).toBeGreaterThanOrEqual(250);
      expect(low!.preempted_ms!).toBeLessThan(600);
      expect(high!.preempted_ms).toBe(0);

      const report = await buildReport(store, await loadReportRuns(store, {}), { sections: ["liveBreakdown"] });
      const { rows: classes } = report.sections[0]!.summary as LiveBreakdownSummary;
      expect(classes.map((c) => [c.priceClass, c.invocations])).toEqual([
        [0, 1],
        [3, 1],
      ]);
      expect(classes[0]!.meanMs.preempted).toBe(low!.preempted_ms);
      for (const c of classes) expect(Object.values(c.meanMs).reduce((a, b) => a + b, 0)).toBeCloseTo(c.latencyMeanMs, 6);
    } finally {
      dispose();
    }
  });
});
