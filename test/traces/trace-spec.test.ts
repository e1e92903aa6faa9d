import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useTempDirs } from "../support/temp-dir.ts";
import { parseRealTraceOptions, realTraceOptionDefinitions, withRealTraceDefaults } from "../../traces/real-trace-options.ts";
import { isTraceUserError, TraceOptionError } from "../../traces/trace-option-error.ts";
import { openTraceSpec } from "../../traces/trace-spec.ts";
import { defaultTriggerClasses, loadTriggerClasses } from "../../traces/trigger-classes.ts";
import { sample2021, sample3 } from "./support/samples.ts";

const tempDir = useTempDirs();

describe("openTraceSpec", () => {
  it("opens both prefixes", async () => {
    expect((await openTraceSpec(`azure2019:${sample3}`, withRealTraceDefaults())).kind).toBe("azure2019");
    expect((await openTraceSpec(`azure2021:${sample2021}`, withRealTraceDefaults())).kind).toBe("azure2021");
  });

  it.each([
    ["azure2020:x", /unknown trace "azure2020:x": expected azure2019:<path> or azure2021:<path>/],
    ["azure2019:", /names no path/],
    ["azure2019:/no/such/dir", /azure2019: cannot read directory \/no\/such\/dir/],
    ["azure2021:/no/such/file.csv", /azure2021: cannot read \/no\/such\/file.csv/],
  ])("%s fails with a one-line user error", async (spec, message) => {
    const error = await openTraceSpec(spec, withRealTraceDefaults()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TraceOptionError);
    expect(isTraceUserError(error)).toBe(true);
    expect((error as Error).message).toMatch(message);
  });
});

describe("parseRealTraceOptions", () => {
  it("applies the defaults and the CLI-owned seed and cores", () => {
    const o = parseRealTraceOptions({}, { seed: 9, cores: 64 });
    expect(o).toMatchObject({ seed: 9, cores: 64, arrivalsInMinute: "poisson", phaseShift: true, onBadRow: "stop", missingStats: "skip", classes2021: "uniform" });
  });

  it("parses every flag it defines", () => {
    const o = parseRealTraceOptions(
      { "arrivals-in-minute": "equidistant", "phase-shift": false, from: 500, minutes: 60, sample: 100, "sample-chain": "400, 100", "compress": 4, "compress-mode": "scale", "target-load": 0.8, "classes-2021": "2", "on-bad-row": "skip" },
      { seed: 1, cores: 800 },
    );
    expect(o).toMatchObject({ arrivalsInMinute: "equidistant", phaseShift: false, fromMinute: 500, minutes: 60, sample: 100, sampleChain: [400, 100], compress: 4, compressMode: "scale", targetLoad: 0.8, classes2021: 2, onBadRow: "skip" });
    for (const name of Object.keys(realTraceOptionDefinitions)) expect(name).toMatch(/^[a-z0-9-]+$/);
  });

  it("collects every problem into one message", () => {
    expect(() => parseRealTraceOptions({ "on-bad-row": "ignore", compress: 0, "sample-chain": "10,20", "classes-2021": "7" }, { seed: 1, cores: 8 })).toThrow(
      /--on-bad-row must be one of stop, skip.*--sample-chain must be strictly descending.*--sample-chain needs --sample.*--compress must be > 0.*--classes-2021 must be 'uniform' or a class in 0..3/,
    );
  });
});

describe("option messages quote what was typed", () => {
  it.each([
    [{ "classes-2021": "abc" }, `--classes-2021 must be 'uniform' or a class index (got "abc")`],
    [{ "sample-chain": "a,b", sample: 2 }, `--sample-chain must list positive integers, e.g. 400,200,100 (got "a,b")`],
  ])("%j", (argv, message) => {
    const error = (() => {
      try {
        parseRealTraceOptions(argv, { seed: 1, cores: 8 });
      } catch (e) {
        return e as Error;
      }
      throw new Error("expected a TraceOptionError");
    })();
    expect(error.message).toContain(message);
    expect(error.message).not.toContain("NaN");
  });
});

describe("trigger classes", () => {
  it("defaults: http highest, orchestration middle, background lowest", () => {
    expect(defaultTriggerClasses(4)).toEqual({ http: 3, orchestration: 2, timer: 0, queue: 0, event: 0, storage: 0, others: 0 });
    expect(defaultTriggerClasses(1)).toMatchObject({ http: 0, orchestration: 0 });
  });

  it("a JSON file overrides and adds triggers, and bad classes are refused with every entry named", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "ok.json"), JSON.stringify({ timer: 1, kafka: 2 }));
    expect(await loadTriggerClasses(join(dir, "ok.json"), 4)).toMatchObject({ http: 3, timer: 1, kafka: 2 });
    writeFileSync(join(dir, "bad.json"), JSON.stringify({ timer: 4, http: "high" }));
    await expect(loadTriggerClasses(join(dir, "bad.json"), 4)).rejects.toThrow(/"timer": 4 is not a class in 0..3; "http": "high" is not a class in 0..3/);
    writeFileSync(join(dir, "broken.json"), "{");
    await expect(loadTriggerClasses(join(dir, "broken.json"), 4)).rejects.toThrow(TraceOptionError);
  });
});
