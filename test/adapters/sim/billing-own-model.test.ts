import { describe, expect, it } from "vitest";
import type { Outcome } from "../../../adapters/backend.ts";
import { priceTable } from "../../../adapters/billing/price-table.ts";
import type { SimPolicyName } from "../../../adapters/sim/policies/index.ts";
import { SimBackend } from "../../../adapters/sim/sim-backend.ts";
import { simDefaults, type SimConfig } from "../../../adapters/sim/sim-config.ts";
import type { Invocation } from "../../../traces/invocation.ts";
import { RecordingSink } from "../../support/recording-sink.ts";
import { invocation } from "../../support/run-invocations.ts";

const prices = [1, 2];
const memPrice = priceTable.xx.memoryMicroCentsPerGbSecond;
const x86 = priceTable.lambda.x86UsdPerGbSecond * 1e8;
const fee = priceTable.lambda.usdPerRequest * 1e8;

/** Runs hand-made invocations through a simulator backend, billed under its own model. */
async function outcomes(policy: SimPolicyName, invocations: readonly Invocation[], sim: Partial<SimConfig>): Promise<Map<number, Outcome>> {
  const sink = new RecordingSink();
  // Exact-number scenarios: the shard places at arrival.
  const config: SimConfig = { ...simDefaults, machines: 1, cores: 1, shards: 1, k: 1, shardCostMs: 0, sampleIntervalMs: 0, seed: 1, ...sim };
  async function* stream() {
    yield invocations;
  }
  await new SimBackend(policy, config, prices).run(stream(), sink, new AbortController().signal);
  return new Map(sink.outcomes.map((o) => [o.inv.id, o.outcome]));
}

describe("the simulator bills each outcome under its backend's own model", () => {
  it("sim:xx bills a function killed while running the CPU it got and the memory it had grown to", async () => {
    // 100 → 1100 MB over 100 ms of work (10 MB/ms) on 1000 MB of RAM and 10 MB of swap: RAM is
    // full at 90 ms, swap at 91 ms, and the function is killed then with 91 ms of CPU, at 1010 MB.
    const got = await outcomes("xx", [invocation({ id: 0, arrivalMs: 0, workMs: 100, memStartMb: 100, memPeakMb: 1100 })], { ramMb: 1000, swapMb: 10 });
    expect(got.get(0)).toMatchObject({ status: "killed", endMs: 91, cpuMs: 91 });
    expect(got.get(0)!.costMicroCents).toBeCloseTo((1 * 91) / 1000 + ((((100 + 1010) / 2) * 91) / 1024 / 1000) * memPrice, 14);
  });

  it("sim:xx bills a function preempted, then killed while waiting, the CPU it got before the preemption", async () => {
    // A (class 0, 300 MB) runs 30 ms until B (class 1) preempts it; B's growth fills RAM at
    // 90 ms, A is swapped out, and its 300 MB overflow the 100 MB swap: A is killed at 90 ms.
    const got = await outcomes(
      "xx",
      [
        invocation({ id: 0, arrivalMs: 0, workMs: 100, memStartMb: 300, memPeakMb: 300 }),
        invocation({ id: 1, arrivalMs: 30, workMs: 100, priceClass: 1, memStartMb: 100, memPeakMb: 1100 }),
      ],
      { ramMb: 1000, swapMb: 100 },
    );
    expect(got.get(0)).toMatchObject({ status: "killed", endMs: 90, cpuMs: 30, preemptions: 1 });
    expect(got.get(0)!.costMicroCents).toBeCloseTo((1 * 30) / 1000 + ((300 * 90) / 1024 / 1000) * memPrice, 14);
    expect(got.get(1)).toMatchObject({ status: "ok", endMs: 130, cpuMs: 100 });
    expect(got.get(1)!.costMicroCents).toBeCloseTo((2 * 100) / 1000 + ((((100 + 1100) / 2) * 100) / 1024 / 1000) * memPrice, 14);
  });

  it("sim:xx bills a throttled invocation nothing", async () => {
    // A budget of 0 puts the tenant over twice its pro-rata line once it has spent anything.
    const got = await outcomes(
      "xx",
      [invocation({ id: 0, arrivalMs: 0, workMs: 10 }), invocation({ id: 1, arrivalMs: 20, workMs: 10 })],
      { budgetsUsd: { t: 0 } },
    );
    expect(got.get(0)).toMatchObject({ status: "ok", cpuMs: 10 });
    expect(got.get(1)).toMatchObject({ status: "throttled", cpuMs: 0, costMicroCents: 0 });
  });

  it("sim:hermod bills Lambda's configured memory × duration, killed or not, never XX's prices", async () => {
    // A (100 → 1100 MB) and B (100 MB, 50 ms, class 1) share one core: B ends at 100 ms with A at
    // 50 ms of work; alone, A fills the 1000 MB (with B gone) at 140 ms after 90 ms of CPU.
    const got = await outcomes(
      "hermod",
      [
        invocation({ id: 0, arrivalMs: 0, workMs: 100, memStartMb: 100, memPeakMb: 1100 }),
        invocation({ id: 1, arrivalMs: 0, workMs: 50, priceClass: 1, memStartMb: 100, memPeakMb: 100 }),
      ],
      { ramMb: 1000 },
    );
    expect(got.get(0)).toMatchObject({ status: "killed", endMs: 140, cpuMs: 90 });
    expect(got.get(0)!.costMicroCents).toBeCloseTo((1100 / 1024) * 0.14 * x86 + fee, 10);
    // 100 MB is configured at Lambda's 128 MB minimum.
    expect(got.get(1)).toMatchObject({ status: "ok", endMs: 100, cpuMs: 50 });
    expect(got.get(1)!.costMicroCents).toBeCloseTo((128 / 1024) * 0.1 * x86 + fee, 10);
  });

  it.each(["edf", "openwhisk", "knative"] as const)("sim:%s bills Lambda's configured memory × duration rounded up to a whole ms", async (policy) => {
    const got = await outcomes(policy, [invocation({ id: 0, arrivalMs: 0, workMs: 10.5, priceClass: 1, memStartMb: 100, memPeakMb: 2000.2 })], {});
    expect(got.get(0)).toMatchObject({ status: "ok", endMs: 10.5, cpuMs: 10.5 });
    expect(got.get(0)!.costMicroCents).toBeCloseTo((2001 / 1024) * 0.011 * x86 + fee, 10);
  });
});
