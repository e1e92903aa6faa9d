import { describe, expect, it } from "vitest";
import { freshenDefaults } from "../../../adapters/sim/freshen/freshen-config.ts";
import { simConfigFromArgs, withSimDefaults, type SimArgs } from "../../../harness/cli/options/sim-options.ts";
import { UsageError } from "../../../harness/cli/usage-error.ts";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { runCliInProcess as runMain } from "../../support/run-cli-in-process.ts";
import { useTempDirs } from "../../support/temp-dir.ts";

const tempDir = useTempDirs();

const base = withSimDefaults({}) as SimArgs;

describe("freshen flags", () => {
  it("leave freshen off unless --freshen is given", () => {
    expect(simConfigFromArgs(base, 1).freshen).toBeNull();
  });

  it.each<[Partial<SimArgs>, Record<string, unknown>]>([
    [{}, { ...freshenDefaults }],
    [{ "freshen-misprediction": 0.25, "freshen-ttl-s": 2.5 }, { mispredictionRate: 0.25, ttlMs: 2500 }],
    [{ "freshen-overhead-ms": "40" }, { overheadMs: { minMs: 40, maxMs: 40 } }],
    [{ "freshen-overhead-ms": "5:50.5" }, { overheadMs: { minMs: 5, maxMs: 50.5 } }],
    [{ "freshen-triggers": "sns, s3" }, { triggers: ["sns", "s3"] }],
  ])("--freshen with %j", (flags, expected) => {
    expect(simConfigFromArgs({ ...base, freshen: true, ...flags }, 1).freshen).toMatchObject(expected);
  });

  it.each<[Partial<SimArgs>, string[], string]>([
    [{ "freshen-misprediction": 1 }, [], "--freshen-misprediction must be in [0, 1) (got 1)"],
    [{ "freshen-misprediction": -0.1 }, [], "--freshen-misprediction must be in [0, 1) (got -0.1)"],
    [{ "freshen-ttl-s": -1 }, [], "--freshen-ttl-s must be >= 0 s (got -1)"],
    [{ "freshen-overhead-ms": "50:10" }, [], '--freshen-overhead-ms wants MIN:MAX or one value in ms, 0 < MIN <= MAX, e.g. 11:622 (got "50:10")'],
    [{ "freshen-overhead-ms": "0" }, [], '--freshen-overhead-ms wants MIN:MAX or one value in ms, 0 < MIN <= MAX, e.g. 11:622 (got "0")'],
    [{ "freshen-triggers": "sns,lambda" }, [], '--freshen-triggers takes a comma list of step-functions, direct, sns, s3 (got "sns,lambda")'],
  ])("refuses %j with --freshen", (flags, given, message) => {
    expect(() => simConfigFromArgs({ ...base, freshen: true, ...flags }, 1, given as never)).toThrow(new UsageError(message));
  });

  it("refuses a freshen detail without --freshen, unless it is at its default", () => {
    expect(() => simConfigFromArgs({ ...base, "freshen-ttl-s": 5 }, 1, ["freshen-ttl-s"])).toThrow(new UsageError("--freshen-ttl-s has no effect without --freshen"));
    expect(simConfigFromArgs({ ...base, "freshen-ttl-s": 0 }, 1, ["freshen-ttl-s"]).freshen).toBeNull();
  });

  it("exits 2 with one line on the command line", async () => {
    const db = join(tempDir(), "x.duckdb");
    const r = await runMain(["replay", "--invocations", "10", "--freshen", "--freshen-misprediction", "2", "--quiet", "--db", db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("xxbench: --freshen-misprediction must be in [0, 1) (got 2)\n");
    expect(existsSync(db)).toBe(false);
  });
});
