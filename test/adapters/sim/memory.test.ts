import { describe, expect, it } from "vitest";
import type { MachineSample } from "../../../adapters/backend.ts";
import { invocation, runInvocations } from "../../support/run-invocations.ts";
import type { RecordingSink } from "../../support/recording-sink.ts";
import { simulate } from "../../support/simulate.ts";

const endOf = (sink: RecordingSink, id: number) => sink.outcomes.find((o) => o.inv.id === id)!.outcome;

// Exact-number scenarios of the dispatcher alone: the shard places at arrival (shardCostMs: 0).
describe("XX's dispatcher under memory pressure", () => {
  // One core, 1000 MB RAM; five 400 MB functions arrive together. The first runs, the second
  // waits in RAM, the third is swapped out; the fourth and fifth would overflow a 500 MB swap.
  const burst = [0, 1, 2, 3, 4].map((id) => invocation({ id, arrivalMs: 0, workMs: 100, memStartMb: 400, memPeakMb: 400 }));

  it("kills only when swap is full: the newest function of the lowest class", () => {
    const sink = runInvocations("xx", burst, { machines: 1, cores: 1, shards: 1, k: 1, shardCostMs: 0, ramMb: 1000, swapMb: 500 });
    expect([0, 1, 2, 3, 4].map((id) => endOf(sink, id).status)).toEqual(["ok", "ok", "ok", "killed", "killed"]);
    expect([0, 1, 2].map((id) => endOf(sink, id).endMs)).toEqual([100, 200, 300]);
    expect(endOf(sink, 2).swapOuts).toBe(1);
    expect(endOf(sink, 2).swappedOutMb).toBe(400);
    expect(endOf(sink, 1).swapOuts).toBe(0);
  });

  it("kills nothing while swap has room", () => {
    const sink = runInvocations("xx", burst, { machines: 1, cores: 1, shards: 1, k: 1, shardCostMs: 0, ramMb: 1000, swapMb: 2000 });
    expect(sink.outcomes.every((o) => o.outcome.status === "ok")).toBe(true);
    expect([2, 3, 4].map((id) => endOf(sink, id).swapOuts)).toEqual([1, 1, 1]);
    expect([0, 1, 2, 3, 4].map((id) => endOf(sink, id).endMs)).toEqual([100, 200, 300, 400, 500]);
  });

  it("swaps out the waiting low class, never the running high class, as memory grows", () => {
    // A high-class function grows from 100 to 900 MB while a low-class one waits with 300 MB.
    const sink = runInvocations(
      "xx",
      [
        invocation({ id: 0, arrivalMs: 0, workMs: 100, priceClass: 1, memStartMb: 100, memPeakMb: 900 }),
        invocation({ id: 1, arrivalMs: 1, workMs: 10, priceClass: 0, memStartMb: 300, memPeakMb: 300 }),
      ],
      { machines: 1, cores: 1, shards: 1, k: 1, shardCostMs: 0, ramMb: 1000 },
      [1, 2],
    );
    expect(endOf(sink, 0).swapOuts).toBe(0);
    expect(endOf(sink, 1).swapOuts).toBe(1);
    expect(endOf(sink, 1).startMs).toBe(100);
  });

  it("with no swap at all kills only what overflows RAM, never while RAM has room", () => {
    // Two 400 MB functions fit in 1000 MB and the third would overflow it: only the third goes.
    const roomy = runInvocations("xx", burst.slice(0, 2), { machines: 1, cores: 1, shards: 1, k: 1, shardCostMs: 0, ramMb: 1000, swapMb: 0 });
    expect(roomy.outcomes.map((o) => o.outcome.status)).toEqual(["ok", "ok"]);
    const full = runInvocations("xx", burst.slice(0, 3), { machines: 1, cores: 1, shards: 1, k: 1, shardCostMs: 0, ramMb: 1000, swapMb: 0 });
    expect([0, 1, 2].map((id) => endOf(full, id).status)).toEqual(["ok", "ok", "killed"]);
    expect(endOf(full, 2).endMs).toBe(0);
  });

  it("charges swap-in time at a finite bandwidth", () => {
    const sink = runInvocations("xx", burst.slice(0, 3), { machines: 1, cores: 1, shards: 1, k: 1, shardCostMs: 0, ramMb: 1000, swapMbPerMs: 4 });
    // The third function was swapped out (400 MB): at 4 MB/ms it starts 100 ms after its core frees.
    expect(endOf(sink, 2).startMs).toBe(300);
    expect(endOf(sink, 2).endMs).toBe(400);
  });
});

describe("Hermod under finite memory (Linux-like OOM killer)", () => {
  it("kills the function using the most memory at the moment RAM fills", () => {
    // Two functions share 2 cores at full speed: A grows 8 MB/ms, B 4 MB/ms; 200 + 12t = 1000 at t = 66.7.
    const sink = runInvocations(
      "hermod",
      [
        invocation({ id: 0, arrivalMs: 0, workMs: 100, memStartMb: 100, memPeakMb: 900 }),
        invocation({ id: 1, arrivalMs: 0, workMs: 200, memStartMb: 100, memPeakMb: 900 }),
      ],
      { machines: 1, cores: 2, ramMb: 1000 },
    );
    expect(endOf(sink, 0).status).toBe("killed");
    expect(endOf(sink, 0).endMs).toBeCloseTo(200 / 3, 9);
    expect(endOf(sink, 1)).toMatchObject({ status: "ok", endMs: 200 });
  });
});

describe("memory conservation", () => {
  it("RAM used + swap used equals the memory of every live function at every sample", async () => {
    // One class and no preemption, so each function's memory is known from its outcome alone:
    // its start value from placement to start, then linear growth to its peak at the end.
    const { sink } = await simulate({
      policy: "xx",
      seed: 21,
      trace: { prices: [1], classWeights: [1], phases: [{ tick: 0, load: 1.2 }], durationMs: 20_000 },
      sim: { machines: 10, cores: 4, ramMb: 12 * 1024, sampleIntervalMs: 250 },
    });
    const byMachine = new Map<number, typeof sink.outcomes>();
    for (const o of sink.outcomes) {
      const list = byMachine.get(o.outcome.machine!) ?? [];
      list.push(o);
      byMachine.set(o.outcome.machine!, list);
    }
    const memoryAt = (s: MachineSample): number => {
      let total = 0;
      for (const { inv, outcome } of byMachine.get(s.machine) ?? []) {
        if (!(outcome.placedMs! <= s.tMs && s.tMs < outcome.endMs!)) continue;
        if (outcome.startMs === undefined || s.tMs < outcome.startMs) total += inv.memStartMb;
        else total += inv.memStartMb + ((inv.memPeakMb - inv.memStartMb) * (s.tMs - outcome.startMs)) / inv.workMs;
      }
      return total;
    };
    let swapping = 0;
    for (const s of sink.samples) {
      expect(s.memUsedMb! + s.swapUsedMb!).toBeCloseTo(memoryAt(s), 3);
      expect(s.memUsedMb!).toBeLessThanOrEqual(12 * 1024 + 1e-6);
      if (s.swapUsedMb! > 0) swapping++;
    }
    expect(swapping).toBeGreaterThan(sink.samples.length / 10);
  });
});

describe("the idle list", () => {
  // Four one-core machines listed on one shard; ten invocations arrive 1 ms apart and run 100 ms.
  const arrivals = Array.from({ length: 10 }, (_, id) => invocation({ id, arrivalMs: id, workMs: 100 }));
  const machinesUsed = (idleStepShare: number): number[] => {
    const sink = runInvocations("xx", arrivals, {
      machines: 4,
      cores: 1,
      shards: 1,
      k: 1,
      shardCostMs: 0,
      ramMb: 32 * 1024,
      idleList: true,
      idleFreeShare: 0,
      idleStepShare,
    });
    return sink.outcomes.map((o) => o.outcome.machine!);
  };

  it("acts on recorded entries: never rewritten, they send every invocation to the first listed machine", () => {
    expect(machinesUsed(0.99)).toEqual(Array.from({ length: 10 }, () => 0));
  });

  it("spreads invocations once dispatchers rewrite their entry on every change", () => {
    expect(new Set(machinesUsed(0)).size).toBe(4);
  });
});

describe("the seeds' memory experiment (seed 000 §4.3): 32 GB machines", async () => {
  const { sink, summary } = await simulate({
    policy: "xx",
    seed: 8,
    trace: { phases: [{ tick: 0, load: 1.1 }], durationMs: 30_000 },
    sim: { ramMb: 32 * 1024, idleList: true, sampleIntervalMs: 1000 },
  });
  const during = sink.samples.filter((s) => s.tMs >= 10_000 && s.tMs <= 30_000);

  it("keeps memory utilization high", () => {
    const mean = during.reduce((a, s) => a + s.memUsedMb! / (32 * 1024), 0) / during.length;
    expect(mean).toBeGreaterThan(0.6);
  });

  it("spreads swap evenly across machines: coefficient of variation under 0.15", () => {
    const perMachine = new Float64Array(100);
    for (const s of during) perMachine[s.machine]! += s.swapUsedMb!;
    const mean = perMachine.reduce((a, b) => a + b, 0) / 100;
    const sd = Math.sqrt(perMachine.reduce((a, b) => a + (b - mean) ** 2, 0) / 100);
    expect(mean).toBeGreaterThan(0);
    expect(sd / mean).toBeLessThan(0.15);
  });

  it("swaps the lowest class: class 0 takes over 95% of swap-outs and the top class under 1%", () => {
    const outs = [0, 0, 0, 0];
    for (const c of sink.classSamples) outs[c.priceClass]! += c.swapOuts;
    const total = outs.reduce((a, b) => a + b, 0);
    expect(outs[0]! / total).toBeGreaterThan(0.95);
    expect(outs[3]! / total).toBeLessThan(0.01);
  });

  it("kills nothing with 500 GB of swap", () => {
    expect(summary.outcomes.killed).toBe(0);
  });
});
