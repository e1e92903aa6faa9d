import { compile } from "vega-lite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Outcome } from "../../adapters/backend.ts";
import type { RunStore } from "../../harness/store/run-store.ts";
import { buildReport } from "../../reports/build-report.ts";
import { loadReportRuns } from "../../reports/report-runs.ts";
import type { LiveBreakdownSummary } from "../../reports/sections/live-breakdown-section.ts";
import type { Invocation } from "../../traces/invocation.ts";
import { invocation } from "../support/run-invocations.ts";
import { openTempStore } from "../support/temp-store.ts";
import { writeStandInNetworkRun } from "./support/stand-in-network-run.ts";

/** One stand-in live answer: ms after the intended send, as the plane's headers would say them. */
interface StandInAnswer {
  readonly cls: number;
  readonly arrivalMs: number;
  readonly latenessMs: number;
  readonly responseMs: number;
  readonly shardQueueMs: number;
  readonly machineQueueMs: number;
  readonly coldStartMs: number;
  readonly execMs: number;
  readonly preemptedMs: number;
  readonly swapInMs: number;
}

// Class 0: network + gateway = response − shard − machine queue − exec = 3 and 2.
// Class 1: 1, 1 and 2; the third was preempted 30 ms.
const answers: readonly StandInAnswer[] = [
  { cls: 0, arrivalMs: 0, latenessMs: 1, responseMs: 30, shardQueueMs: 2, machineQueueMs: 5, coldStartMs: 3, execMs: 20, preemptedMs: 6, swapInMs: 4 },
  { cls: 0, arrivalMs: 10, latenessMs: 3, responseMs: 17, shardQueueMs: 4, machineQueueMs: 1, coldStartMs: 0, execMs: 10, preemptedMs: 0, swapInMs: 0 },
  { cls: 1, arrivalMs: 0, latenessMs: 0, responseMs: 6, shardQueueMs: 0, machineQueueMs: 0, coldStartMs: 0, execMs: 5, preemptedMs: 0, swapInMs: 0 },
  { cls: 1, arrivalMs: 5, latenessMs: 1, responseMs: 9, shardQueueMs: 1, machineQueueMs: 2, coldStartMs: 0, execMs: 5, preemptedMs: 0, swapInMs: 0 },
  { cls: 1, arrivalMs: 10, latenessMs: 0, responseMs: 64, shardQueueMs: 2, machineQueueMs: 10, coldStartMs: 0, execMs: 50, preemptedMs: 30, swapInMs: 0 },
];

/** Writes a stand-in live run by hand (the real plane is exercised in test/adapters/live): the answers above, one failed call without headers, one dropped. */
async function writeStandInLiveRun(store: RunStore): Promise<number> {
  const runId = await store.beginRun({ backend: "live:http://127.0.0.1:1 (stand-in)", traceKind: "test", seed: 1, config: {}, manifest: {} });
  const writer = await store.openRunWriter(runId);
  const base = { preemptions: 0, swappedOutMb: 0, costMicroCents: 0 };
  answers.forEach((a, id) => {
    const inv = invocation({ id, arrivalMs: a.arrivalMs, workMs: a.execMs - a.preemptedMs - a.swapInMs, priceClass: a.cls });
    const sentMs = a.arrivalMs + a.latenessMs;
    const outcome: Outcome = {
      ...base,
      status: "ok",
      sentMs,
      endMs: sentMs + a.responseMs,
      httpStatus: 200,
      serverExecMs: a.execMs,
      shardQueueMs: a.shardQueueMs,
      machineQueueMs: a.machineQueueMs,
      coldStartMs: a.coldStartMs,
      preemptedMs: a.preemptedMs,
      swapInMs: a.swapInMs,
    };
    writer.outcome(inv, outcome);
  });
  writer.outcome(invocation({ id: 5, arrivalMs: 20, workMs: 5 }), { ...base, status: "failed", sentMs: 20, endMs: 21, httpStatus: 502, error: "HTTP 502: machine 0 failed" });
  writer.outcome(invocation({ id: 6, arrivalMs: 21, workMs: 5, priceClass: 1 }), { ...base, status: "dropped" });
  await writer.close();
  await store.completeRun(runId, { invocations: 7, streamDigest: "stand-in-live", wallMs: 1, manifest: {} });
  return runId;
}

let store: RunStore;
let dispose: () => void;
let liveRun: number;
let httpRun: number;

beforeAll(async () => {
  ({ store, dispose } = await openTempStore());
  liveRun = await writeStandInLiveRun(store);
  const stream: Invocation[] = Array.from({ length: 10 }, (_, id) => invocation({ id, arrivalMs: id, workMs: 5 }));
  httpRun = await writeStandInNetworkRun(store, { backend: "http:http://127.0.0.1:1 (stand-in)", streamDigest: "stand-in-http" }, stream, () => ({ kind: "sent", latenessMs: 1, responseMs: 10 }));
});

afterAll(() => dispose());

describe("the live breakdown section (hand-written stand-in rows; the real plane is tested in test/adapters/live)", () => {
  it("splits each class's mean latency into parts that add up to it, with the medians beside, over ok answers only", async () => {
    const report = await buildReport(store, await loadReportRuns(store, {}), { sections: ["liveBreakdown"] });
    // Both runs are in the report; only the live one has the breakdown.
    expect(report.warnings.filter((w) => w.startsWith("no "))).toEqual([]);
    const [section] = report.sections;
    expect(section?.key).toBe("liveBreakdown");
    const { rows } = section!.summary as LiveBreakdownSummary;
    expect(rows.map((r) => [r.runId, r.priceClass, r.invocations])).toEqual([
      [liveRun, 0, 2],
      [liveRun, 1, 3],
    ]);
    const [c0, c1] = rows;
    expect(c0!.latencyMeanMs).toBeCloseTo(25.5, 9);
    expect(c0!.meanMs).toEqual({ lateness: 2, network: 2.5, shardQueue: 3, machineQueue: 1.5, coldStart: 1.5, preempted: 3, swapIn: 2, execution: 10 });
    expect(c1!.latencyMeanMs).toBeCloseTo(80 / 3, 9);
    const expected1 = { lateness: 1 / 3, network: 4 / 3, shardQueue: 1, machineQueue: 4, coldStart: 0, preempted: 10, swapIn: 0, execution: 10 };
    for (const [part, ms] of Object.entries(expected1)) expect(c1!.meanMs[part as keyof typeof expected1]).toBeCloseTo(ms, 9);
    expect(c1!.latencyP50Ms).toBe(10);
    expect(c1!.p50Ms).toEqual({ lateness: 0, network: 1, shardQueue: 1, machineQueue: 2, coldStart: 0, preempted: 0, swapIn: 0, execution: 5 });
    // Conservation: the means add up to the mean latency, per class.
    for (const r of rows) expect(Object.values(r.meanMs).reduce((a, b) => a + b, 0)).toBeCloseTo(r.latencyMeanMs, 9);
    expect(section!.charts.map((c) => c.id)).toEqual(["live-breakdown"]);
    expect(() => compile(section!.charts[0]!.spec)).not.toThrow();
    expect(section!.markdown).toContain("## Live plane: where the time goes, per class");
    expect(section!.markdown).toContain("| live:http://127.0.0.1:1 (stand-in) | class 0 | 2 | 25.5 | 2 | 2.5 | 3 | 1.5 | 1.5 | 3 | 2 | 10 |");
  });

  it("is left out, with the reason, when no chosen run has the plane's breakdown", async () => {
    const report = await buildReport(store, await loadReportRuns(store, { runIds: [httpRun] }), { sections: ["liveBreakdown"] });
    expect(report.sections).toEqual([]);
    expect(report.warnings).toEqual(["no liveBreakdown section: none of these runs has the live plane's timing breakdown (a live: run with ok answers)"]);
  });
});
