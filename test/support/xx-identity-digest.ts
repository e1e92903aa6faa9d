import { createHash, type Hash } from "node:crypto";
import type { ClassSample, MachineSample, Outcome, OutcomeSink } from "../../adapters/backend.ts";
import type { SimConfig } from "../../adapters/sim/sim-config.ts";
import type { SyntheticConfig } from "../../traces/synthetic/synthetic-config.ts";
import type { Invocation } from "../../traces/invocation.ts";
import { simulateInto } from "./simulate.ts";

/**
 * Fixed `sim:xx` runs whose every output row is hashed, so a refactor of XX's code can prove it
 * changed nothing a run stores: each scenario's digest was pinned on the code before the refactor
 * (test/adapters/scheduling/xx-refactor-identity.test.ts) and must come out the same after it.
 * Together they drive every path of XX: the shard's pick rule (price × waited and strict, with a
 * cost per placement and without), power-of-k and the idle list, preemption, the dispatcher's
 * swap-out / swap-in (instant and at a finite bandwidth) and kills, budgets and call chains.
 */
export interface IdentityScenario {
  readonly name: string;
  readonly seed: number;
  readonly trace: Partial<SyntheticConfig>;
  readonly sim: Partial<SimConfig>;
}

const gb = 1024;
const short = { durationMs: 4_000 };

export const xxIdentityScenarios: readonly IdentityScenario[] = [
  { name: "defaults (memory off)", seed: 101, trace: short, sim: {} },
  { name: "memory off, --shard-cost-ms 0", seed: 102, trace: short, sim: { shardCostMs: 0 } },
  { name: "memory off, --strict at overload", seed: 103, trace: { ...short, phases: [{ tick: 0, load: 1.2 }] }, sim: { strict: true } },
  { name: "memory off, overload, price × waited", seed: 103, trace: { ...short, phases: [{ tick: 0, load: 1.2 }] }, sim: {} },
  {
    name: "--ram-gb 32 --swap-gb 8 --idle-list --load 1.1",
    seed: 104,
    trace: { durationMs: 8_000, phases: [{ tick: 0, load: 1.1 }] },
    sim: { ramMb: 32 * gb, swapMb: 8 * gb, idleList: true },
  },
  {
    name: "--ram-gb 32 --swap-gb 8 --idle-list --load 1.1 --shard-cost-ms 0",
    seed: 104,
    trace: { durationMs: 8_000, phases: [{ tick: 0, load: 1.1 }] },
    sim: { ramMb: 32 * gb, swapMb: 8 * gb, idleList: true, shardCostMs: 0 },
  },
  {
    name: "--ram-gb 32 --strict --load 1.2 (power-of-k only, 500 GB swap)",
    seed: 105,
    trace: { durationMs: 6_000, phases: [{ tick: 0, load: 1.2 }] },
    sim: { ramMb: 32 * gb, strict: true },
  },
  {
    name: "tight memory: kills, swap-in at 2 MB/ms, small cluster",
    seed: 106,
    trace: { durationMs: 6_000, phases: [{ tick: 0, load: 1.3 }] },
    sim: { machines: 10, cores: 4, shards: 2, ramMb: 8 * gb, swapMb: 2 * gb, swapMbPerMs: 2, idleList: true, idleStepShare: 0 },
  },
  {
    name: "budgets and call chains, memory on",
    seed: 107,
    trace: { durationMs: 6_000, chainShare: 0.4, chainFanOut: 2, chainDepth: 2 },
    sim: { machines: 20, ramMb: 16 * gb, swapMb: 4 * gb, budgetsUsd: { "tenant-0": 0.001, "tenant-1": 0.01 } },
  },
];

/** Every outcome, machine sample and class sample, hashed in emission order with every column. */
class DigestSink implements OutcomeSink {
  private readonly hash: Hash = createHash("sha256");
  outcomes = 0;
  samples = 0;
  classSamples = 0;

  outcome(inv: Invocation, o: Outcome): void {
    this.outcomes++;
    this.hash.update(
      `o ${inv.id} ${o.status} ${o.placedMs} ${o.startMs} ${o.endMs} ${o.machine} ${o.preemptions} ${o.swappedOutMb} ${o.swapOuts} ${o.costMicroCents} ${o.ranClass} ${o.cpuMs} ${o.error}\n`,
    );
  }

  sample(s: MachineSample): void {
    this.samples++;
    this.hash.update(`m ${s.tMs} ${s.machine} ${s.running} ${s.queued} ${s.utilization} ${s.memUsedMb} ${s.swapUsedMb}\n`);
  }

  classSample(s: ClassSample): void {
    this.classSamples++;
    this.hash.update(
      `c ${s.tMs} ${s.machine} ${s.priceClass} ${s.functions} ${s.residentMb} ${s.waitingResidentMb} ${s.swappedMb} ${s.swapOuts} ${s.swapIns} ${s.kills}\n`,
    );
  }

  digest(): string {
    return this.hash.digest("hex");
  }
}

export interface IdentityDigest {
  /** SHA-256 of the rows, then of the run's outcome counts and conserved totals. */
  readonly sha256: string;
  readonly outcomes: number;
  readonly killed: number;
  readonly throttled: number;
  readonly swapOuts: number;
  readonly preemptions: number;
}

/** Replays one scenario through `sim:xx` (machine samples every 500 virtual ms) and digests it. */
export async function xxIdentityDigest(s: IdentityScenario): Promise<IdentityDigest> {
  const sink = new DigestSink();
  let swapOuts = 0;
  let preemptions = 0;
  const counting: OutcomeSink = {
    outcome: (inv, o) => {
      swapOuts += o.swapOuts ?? 0;
      preemptions += o.preemptions;
      sink.outcome(inv, o);
    },
    sample: (m) => sink.sample(m),
    classSample: (c) => sink.classSample(c),
  };
  const summary = await simulateInto({ policy: "xx", seed: s.seed, trace: s.trace, sim: { sampleIntervalMs: 500, ...s.sim } }, counting);
  const rows = sink.digest();
  const totals = JSON.stringify({ outcomes: summary.outcomes, busyCoreMs: summary.counters["busyCoreMs"], workDoneMs: summary.counters["workDoneMs"] });
  const sha256 = createHash("sha256").update(`${rows}\n${totals}`).digest("hex");
  return { sha256, outcomes: sink.outcomes, killed: summary.outcomes.killed, throttled: summary.outcomes.throttled, swapOuts, preemptions };
}
