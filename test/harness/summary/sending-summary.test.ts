import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunStore } from "../../../harness/store/run-store.ts";
import { classSummaries } from "../../../harness/summary/class-summary.ts";
import { formatClassSummaries } from "../../../harness/summary/format-class-summaries.ts";
import { degradedConsequence, formatSendingSummaries } from "../../../harness/summary/format-sending-summaries.ts";
import { sendingBlock } from "../../../harness/summary/sending-block.ts";
import { sendRatePerSecond } from "../../../harness/summary/send-rate.ts";
import { ratePerS, sendingSummaries } from "../../../harness/summary/sending-summary.ts";
import { invocation } from "../../support/run-invocations.ts";
import { openTempStore } from "../../support/temp-store.ts";
import { writeStandInNetworkRun, type StandInSend } from "../../reports/support/stand-in-network-run.ts";

/**
 * 200 invocations 10 ms apart (100 intended per second for 2 s). Every 50th (49, 99, 149, 199) is
 * dropped; 10 times out and 20 fails; 150 and 151 stall 995 ms (they leave in second 2); 30
 * leaves 0.2 ms early; the rest leave (i mod 10) × 0.5 ms late and take 20 ms.
 */
const handMadeStream = Array.from({ length: 200 }, (_, id) => invocation({ id, arrivalMs: 10 * id, workMs: 5 }));

function handMadeSend(_inv: unknown, i: number): StandInSend {
  if (i % 50 === 49) return { kind: "dropped" };
  const latenessMs = i === 150 || i === 151 ? 995 : i === 30 ? -0.2 : (i % 10) * 0.5;
  return { kind: "sent", latenessMs, responseMs: 20, ...(i === 10 ? { status: "timeout" as const } : i === 20 ? { status: "failed" as const } : {}) };
}

/** quantile_cont by its definition: linear between the order statistics around (n − 1) × p. */
function quantileCont(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  return sorted[lo]! + (h - lo) * (sorted[Math.min(lo + 1, sorted.length - 1)]! - sorted[lo]!);
}

describe("the sending summary of stand-in rows for a network run (hand-written; the real driver is built elsewhere)", () => {
  let store: RunStore;
  let dispose: () => void;
  let networkRun: number;
  let simRun: number;
  beforeAll(async () => {
    ({ store, dispose } = await openTempStore());
    // A simulator-like run first: no sent_ms, no dropped rows, so it has no sending summary.
    simRun = await store.beginRun({ backend: "sim:hermod", traceKind: "synthetic", seed: 1, config: {}, manifest: {} });
    const writer = await store.openRunWriter(simRun);
    for (const inv of handMadeStream) writer.outcome(inv, { status: "ok", startMs: inv.arrivalMs, endMs: inv.arrivalMs + 5, preemptions: 0, swappedOutMb: 0, costMicroCents: 0 });
    await writer.close();
    await store.completeRun(simRun, { invocations: 200, streamDigest: "d", wallMs: 1, manifest: {} });
    networkRun = await writeStandInNetworkRun(
      store,
      { backend: "http:stand-in", streamDigest: "d", degraded: "p99 lateness 54.0 ms > --max-lateness-ms 5" },
      handMadeStream,
      handMadeSend,
    );
  });
  afterAll(() => dispose());

  it("counts sent, dropped and each refusal, and leaves the simulator run out", async () => {
    const rows = await sendingSummaries(store, [simRun, networkRun]);
    expect(rows.map((r) => r.runId)).toEqual([networkRun]);
    const [r] = rows;
    expect({ n: r!.invocations, sent: r!.sent, dropped: r!.dropped, ok: r!.ok, failed: r!.failed, timeout: r!.timeout, throttled: r!.throttled, killed: r!.killed }).toEqual({
      n: 200,
      sent: 196,
      dropped: 4,
      ok: 194,
      failed: 1,
      timeout: 1,
      throttled: 0,
      killed: 0,
    });
    expect(r!.degraded).toBe("p99 lateness 54.0 ms > --max-lateness-ms 5");
  });

  it("gives lateness p50, p99 and max over the sent requests, early ones negative", async () => {
    const [r] = await sendingSummaries(store, [networkRun]);
    const lateness = handMadeStream.flatMap((inv, i) => {
      const s = handMadeSend(inv, i);
      return s.kind === "sent" ? [s.latenessMs] : [];
    });
    expect(lateness).toHaveLength(196);
    // 194 ordinary values of at most 4.5 ms and two stalls of 995 ms: p99 lies between them.
    expect(quantileCont(lateness, 0.99)).toBeCloseTo(54.025, 9);
    expect(r!.latenessP99Ms).toBeCloseTo(54.025, 9);
    expect(r!.latenessP50Ms).toBeCloseTo(2.25, 12);
    expect(r!.latenessMaxMs).toBe(995);
    // Response from the actual send is 20 ms for all; latency from the intended send adds the lateness.
    expect([r!.responseP50Ms, r!.responseP99Ms]).toEqual([20, 20]);
    expect(r!.latencyP50Ms).toBeCloseTo(22.5, 9);
    expect(r!.latencyP99Ms).toBeCloseTo(24.5 + 0.07 * 990.5, 9);
  });

  it.each([
    [0, null, 0],
    [1, 0, 0],
    [2, 0, 0],
    [2, 10, 100],
    [101, 1000, 100],
  ])("rates %i events over a span of %s ms at %d per second", (count, span, rate) => {
    expect(ratePerS(count, span)).toBe(rate);
  });

  it("counts intended and actual sends per second, zero-send seconds included", async () => {
    expect(await sendRatePerSecond(store, [networkRun])).toEqual([
      { runId: networkRun, second: 0, intended: 100, sent: 98 },
      { runId: networkRun, second: 1, intended: 100, sent: 96 },
      { runId: networkRun, second: 2, intended: 0, sent: 2 },
    ]);
    const [r] = await sendingSummaries(store, [networkRun]);
    // 200 intended sends 10 ms apart from 0 to 1990 ms: 100/s. 196 sent from 0 ms (invocation 0,
    // on time) to 2505 ms (invocation 151: 1510 + 995): 195 gaps over 2.505 s.
    expect(r!.intendedPerS).toBe(100);
    expect(r!.achievedPerS).toBeCloseTo(195_000 / 2505, 12);
    expect(r!.worstSecond).toEqual({ runId: networkRun, second: 1, intended: 100, sent: 96 });
  });

  it("prints a Sending block for `xxbench summary`, with DEGRADED in words", async () => {
    const rows = await sendingSummaries(store, [simRun, networkRun]);
    const lines = formatSendingSummaries(rows);
    expect(lines.slice(0, 4)).toEqual([
      "Sending (network runs; lateness = actual − intended send time):",
      `run ${networkRun} http:stand-in: sent 196 of 200, dropped 4, ok 194, failed 1, timeout 1`,
      "  lateness p50 2.250 ms, p99 54.03 ms, max 995.0 ms",
      "  rate intended 100.0/s, achieved 77.84/s; widest gap in second 1: intended 100, sent 96",
    ]);
    expect(lines[4]).toMatch(/^ {2}response time from the actual send p50 20\.00 ms, p99 20\.00 ms; latency from the intended send p50 22\.50 ms, p99 93\.8\d ms$/);
    expect(lines[5]).toBe(`  DEGRADED: p99 lateness 54.0 ms > --max-lateness-ms 5; ${degradedConsequence}`);
    expect(lines).toHaveLength(6);
    expect(formatSendingSummaries(await sendingSummaries(store, [simRun]))).toEqual([]);
    expect(await sendingBlock(store, [simRun, networkRun])).toEqual(lines);
    expect(await sendingBlock(store, [simRun])).toEqual([]);
  });

  it("counts dropped invocations in the class summary, so its statuses add up to the count", async () => {
    const rows = await classSummaries(store, [simRun, networkRun]);
    const net = rows.find((r) => r.runId === networkRun)!;
    expect([net.count, net.ok, net.killed, net.throttled, net.failed, net.dropped]).toEqual([200, 194, 0, 0, 2, 4]);
    expect(net.ok + net.killed + net.throttled + net.failed + net.dropped).toBe(net.count);
    const header = formatClassSummaries(rows, new Map()).split("\n")[0]!;
    expect(header).toMatch(/ ok +failed +dropped +mean ms/);
  });
});
