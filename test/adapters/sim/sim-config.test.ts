import { describe, expect, it } from "vitest";
import { simDefaults, validateSimConfig, type SimConfig } from "../../../adapters/sim/sim-config.ts";
import { simConfigFromArgs, type SimArgs } from "../../../harness/cli/options/sim-options.ts";
import { UsageError } from "../../../harness/cli/usage-error.ts";

const config = (fields: Partial<SimConfig>): SimConfig => ({ ...simDefaults, seed: 1, ...fields });

describe("options that cannot have an effect are refused", () => {
  it.each([
    { given: { idleList: true }, error: "--idle-list needs --ram-gb: with unbounded RAM every machine stays on an idle list forever" },
    { given: { idleFreeShare: 0.5 }, error: "--idle-free-share has no effect without --idle-list" },
    { given: { idleFreeShare: 0.5, ramMb: 1024 }, error: "--idle-free-share has no effect without --idle-list" },
    { given: { strict: true, shardCostMs: 0 }, error: "--strict has no effect with --shard-cost-ms 0: every arrival is placed at once, so a shard never chooses" },
    { given: { swapMb: 1024 }, error: "--swap-gb has no effect without --ram-gb (memory is not modelled)" },
    { given: { swapMbPerMs: 1 }, error: "--swap-mb-per-s has no effect without --ram-gb (memory is not modelled)" },
  ])("$error", ({ given, error }) => {
    expect(validateSimConfig(config(given))).toEqual([error]);
  });

  it.each([
    { name: "the defaults", given: {} },
    { name: "an idle list with RAM", given: { idleList: true, ramMb: 32 * 1024 } },
    { name: "an idle free share with an idle list", given: { idleList: true, ramMb: 32 * 1024, idleFreeShare: 0.5 } },
    { name: "strict with the default shard cost", given: { strict: true } },
    { name: "strict with a shard cost", given: { strict: true, shardCostMs: 0.1 } },
    { name: "a shard cost of 0 without strict", given: { shardCostMs: 0 } },
    { name: "swap size and bandwidth with RAM", given: { ramMb: 1024, swapMb: 1024, swapMbPerMs: 1 } },
  ])("accepts $name", ({ given }) => {
    expect(validateSimConfig(config(given))).toEqual([]);
  });

  it("reports a flag from the command line as one UsageError", () => {
    const args: SimArgs = {
      machines: 100,
      cores: 8,
      shards: 4,
      k: 3,
      "shard-cost-ms": simDefaults.shardCostMs,
      strict: false,
      "sample-ms": 1000,
      "swap-gb": simDefaults.swapMb / 1024,
      "swap-mb-per-s": 0,
      "idle-list": true,
      "idle-free-share": simDefaults.idleFreeShare,
      "memory-mb": simDefaults.memoryMb,
      "concurrency-cap": simDefaults.concurrencyCap,
      "timeout-s": simDefaults.timeoutMs / 1000,
      "cold-start-ms": simDefaults.coldStartMs,
      "keep-alive-s": simDefaults.keepAliveMs / 1000,
    };
    expect(() => simConfigFromArgs(args, 1)).toThrow(new UsageError("--idle-list needs --ram-gb: with unbounded RAM every machine stays on an idle list forever"));
    expect(simConfigFromArgs({ ...args, "ram-gb": 32 }, 1).idleList).toBe(true);
  });
});
