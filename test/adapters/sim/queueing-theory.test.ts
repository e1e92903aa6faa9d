import { describe, expect, it } from "vitest";
import { ResponseTimeSink } from "../../support/response-time-sink.ts";
import { simulateInto, type Scenario } from "../../support/simulate.ts";

// VALIDATION.md: textbook results a correct simulator reproduces. Each case averages independent
// replications (different seeds) so the tolerance is not one lucky seed. The formulas model no
// XX shard, so XX runs set `shardCostMs: 0` (placement at arrival).
const replications = [11, 12, 13];
const invocations = 1_000_000;

function erlangC(c: number, a: number): number {
  let sum = 0;
  let term = 1;
  for (let k = 0; k < c; k++) {
    if (k > 0) term *= a / k;
    sum += term;
  }
  const top = term * (a / c) * (c / (c - a));
  return top / (sum + top);
}

/** M/M/c mean response with mean service 1/μ. */
function mmcResponse(c: number, rho: number, meanService: number): number {
  const mu = 1 / meanService;
  const lambda = rho * c * mu;
  const a = lambda / mu;
  return meanService + erlangC(c, a) / (c * mu - lambda);
}

type ClassFilter = ((cls: number) => boolean) | undefined;

/** Mean response averaged over the replications, once per filter, from one simulation per seed. */
async function replicatedMeans(base: Omit<Scenario, "seed">, filters: readonly ClassFilter[]): Promise<number[]> {
  const totals = filters.map(() => 0);
  for (const seed of replications) {
    const sink = new ResponseTimeSink();
    await simulateInto({ ...base, seed }, sink);
    filters.forEach((filter, i) => (totals[i]! += sink.mean(0.1, filter)));
  }
  return totals.map((total) => total / replications.length);
}

async function replicatedMean(base: Omit<Scenario, "seed">, filter?: ClassFilter): Promise<number> {
  const [mean] = await replicatedMeans(base, [filter]);
  return mean!;
}

const exponentialWork = { functions: 1, workMeanMs: 10, workMeanSdMs: 0, work: "exponential" as const, invocations };
const singleClass = { prices: [1], classWeights: [1] };

describe("M/M/1 and M/M/c", () => {
  for (const cores of [1, 4]) {
    for (const rho of [0.5, 0.8]) {
      const theory = mmcResponse(cores, rho, 10);
      for (const policy of ["hermod", "xx"] as const) {
        it(`${policy} on 1×${cores} at ρ=${rho} has mean response ${theory.toFixed(2)} ms within 3%`, async () => {
          const mean = await replicatedMean({
            policy,
            trace: { ...exponentialWork, ...singleClass, phases: [{ tick: 0, load: rho }] },
            sim: { machines: 1, cores, shards: 1, k: 1, shardCostMs: 0 },
          });
          expect(Math.abs(mean / theory - 1)).toBeLessThan(0.03);
        });
      }
    }
  }
});

describe("late binding on one machine is M/M/c first come first served", () => {
  for (const policy of ["openwhisk", "knative"] as const) {
    it(`${policy} on 1×4 at ρ=0.8 has mean response ${mmcResponse(4, 0.8, 10).toFixed(2)} ms within 3%`, async () => {
      const mean = await replicatedMean({
        policy,
        trace: { ...exponentialWork, ...singleClass, phases: [{ tick: 0, load: 0.8 }] },
        sim: { machines: 1, cores: 4 },
      });
      expect(Math.abs(mean / mmcResponse(4, 0.8, 10) - 1)).toBeLessThan(0.03);
    });
  }
});

describe("M/G/1-PS insensitivity", () => {
  it("hermod on 1×1 has the same mean response with Pareto work as with exponential work of equal mean", async () => {
    const run = (work: "pareto" | "exponential") =>
      replicatedMean({
        policy: "hermod",
        trace: { ...exponentialWork, ...singleClass, work, alpha: 2.5, phases: [{ tick: 0, load: 0.7 }] },
        sim: { machines: 1, cores: 1, shards: 1, k: 1, shardCostMs: 0 },
      });
    const pareto = await run("pareto");
    const exponential = await run("exponential");
    const theory = 10 / (1 - 0.7);
    expect(Math.abs(pareto / exponential - 1)).toBeLessThan(0.03);
    expect(Math.abs(pareto / theory - 1)).toBeLessThan(0.03);
  });
});

describe("preemptive-resume priority on one core", () => {
  it("xx's high class matches M/M/1 for the high class alone, the low class the priority formula", async () => {
    const rho = 0.8;
    const highShare = 0.4;
    const base = {
      policy: "xx" as const,
      trace: { ...exponentialWork, prices: [1, 2], classWeights: [1 - highShare, highShare], phases: [{ tick: 0, load: rho }] },
      sim: { machines: 1, cores: 1, shards: 1, k: 1, shardCostMs: 0 },
    };
    const meanS = 10;
    const rhoHigh = rho * highShare;
    const lambda = rho / meanS;
    // VALIDATION.md: T_k = E[S]/(1−σ_{k−1}) + R_k/((1−σ_{k−1})(1−σ_k)), R_k = Σ_{i≤k} λ_i E[S_i²]/2, E[S²] = 2E[S]².
    const highTheory = meanS / (1 - rhoHigh);
    const lowTheory = meanS / (1 - rhoHigh) + (lambda * meanS * meanS) / ((1 - rhoHigh) * (1 - rho));
    const [high, low] = await replicatedMeans(base, [(c) => c === 1, (c) => c === 0]);
    expect(Math.abs(high! / highTheory - 1)).toBeLessThan(0.05);
    expect(Math.abs(low! / lowTheory - 1)).toBeLessThan(0.05);
  });
});
