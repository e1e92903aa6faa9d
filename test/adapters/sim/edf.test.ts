import { describe, expect, it } from "vitest";
import { Simulation } from "../../../adapters/sim/engine/simulation.ts";
import { createEdfModel } from "../../../adapters/sim/policies/edf.ts";
import { simDefaults } from "../../../adapters/sim/sim-config.ts";
import type { Invocation } from "../../../traces/invocation.ts";
import { SeededRandom } from "../../../traces/seeded-random.ts";
import { RecordingSink } from "../../support/recording-sink.ts";

function invocation(id: number, arrivalMs: number, workMs: number, priceClass: number): Invocation {
  return { id, arrivalMs, workMs, priceClass, tenant: "t", app: "a", fn: "f", memStartMb: 100, memPeakMb: 100 };
}

function runEdfOneCore(invocations: readonly Invocation[], prices: readonly number[]): Map<number, number> {
  const sink = new RecordingSink();
  const sim = new Simulation((ctx) => createEdfModel(ctx, { ...simDefaults, machines: 1, cores: 1, seed: 1 }, prices), sink, {
    sampleIntervalMs: 0,
    prices,
  });
  for (const inv of invocations) sim.arrive(inv);
  sim.finish();
  return new Map(sink.outcomes.map((o) => [o.inv.id, o.outcome.endMs!]));
}

/** Non-preemptive FCFS on one core: the reference that misses deadlines EDF meets. */
function fcfsEnds(invocations: readonly Invocation[]): Map<number, number> {
  let free = 0;
  const ends = new Map<number, number>();
  for (const inv of invocations) {
    free = Math.max(free, inv.arrivalMs) + inv.workMs;
    ends.set(inv.id, free);
  }
  return ends;
}

describe("preemptive EDF on one core", () => {
  it("meets every deadline on a constructed instance where FCFS misses one", () => {
    // prices [1, 4]: class 0's deadline is arrival + 4 × work, class 1's is arrival + work.
    const prices = [1, 4];
    const jobs = [invocation(0, 0, 10, 0), invocation(1, 2, 5, 1)];
    const deadlines = new Map([
      [0, 40],
      [1, 7],
    ]);
    const edf = runEdfOneCore(jobs, prices);
    expect(edf.get(1)).toBe(7);
    expect(edf.get(0)).toBe(15);
    for (const [id, deadline] of deadlines) expect(edf.get(id)!).toBeLessThanOrEqual(deadline);
    expect(fcfsEnds(jobs).get(1)!).toBeGreaterThan(deadlines.get(1)!);
  });

  it("meets every deadline of random instances that are feasible by construction (Dertouzos)", () => {
    const rng = new SeededRandom(42);
    for (let trial = 0; trial < 20; trial++) {
      // Random arrivals and work; a deadline per job equal to its FCFS completion makes the instance
      // feasible (FCFS meets them all). Each job gets its own price class so that
      // arrival + work × maxPrice / price equals that deadline.
      const raw: { arrivalMs: number; workMs: number }[] = [];
      let t = 0;
      for (let i = 0; i < 300; i++) {
        t += rng.exponential(10);
        raw.push({ arrivalMs: t, workMs: 1 + rng.exponential(8) });
      }
      const reference = fcfsEnds(raw.map((r, id) => invocation(id, r.arrivalMs, r.workMs, 0)));
      const slack = raw.map((r, id) => (reference.get(id)! - r.arrivalMs) / r.workMs);
      const maxSlack = Math.max(...slack);
      // price = maxPrice / slack with maxPrice 1; classes sorted by price so class index is ascending.
      const order = slack.map((s, id) => ({ id, price: 1 / s })).sort((a, b) => a.price - b.price || a.id - b.id);
      const classOf = new Map(order.map((o, cls) => [o.id, cls]));
      const prices = order.map((o) => o.price * maxSlack);
      const jobs = raw.map((r, id) => invocation(id, r.arrivalMs, r.workMs, classOf.get(id)!));
      const ends = runEdfOneCore(jobs, prices);
      const maxPrice = prices[prices.length - 1]!;
      let missesByFifoOrder = 0;
      for (const job of jobs) {
        const deadline = job.arrivalMs + (job.workMs * maxPrice) / prices[job.priceClass]!;
        expect(ends.get(job.id)!).toBeLessThanOrEqual(deadline * (1 + 1e-9));
        if (reference.get(job.id)! > deadline * (1 + 1e-9)) missesByFifoOrder++;
      }
      expect(missesByFifoOrder).toBe(0);
    }
  });
});
