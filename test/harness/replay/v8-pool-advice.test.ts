import { describe, expect, it } from "vitest";
import { v8PoolAdvice } from "../../../harness/replay/v8-pool-advice.ts";

describe("v8PoolAdvice: when a fast wall-clock replay gets the --v8-pool-size hint", () => {
  // [peak/s, cores, execArgv, NODE_OPTIONS] → hinted pool size, or undefined for no hint
  const cases: [string, [number, number, string[], string | undefined], number | undefined][] = [
    ["20,000/s on 2 cores, nothing given: 1", [20_000, 2, [], undefined], 1],
    ["exactly 5,000/s on 2 cores: 1", [5000, 2, [], undefined], 1],
    ["4,999/s: slow enough, no hint", [4999, 2, [], undefined], undefined],
    ["20,000/s on 4 cores: 3 spare, still fewer than Node's 4", [20_000, 4, [], undefined], 3],
    ["20,000/s on 5 cores: 4 spare, Node's default fits", [20_000, 5, [], undefined], undefined],
    ["20,000/s on 1 core: at least 1", [20_000, 1, [], undefined], 1],
    ["given on the command line: no hint", [20_000, 2, ["--v8-pool-size=1"], undefined], undefined],
    ["given in NODE_OPTIONS among others: no hint", [20_000, 2, ["--import", "tsx"], "--max-old-space-size=4096 --v8-pool-size=2"], undefined],
    ["another flag in NODE_OPTIONS: still the hint", [20_000, 2, [], "--max-old-space-size=4096"], 1],
  ];
  it.each(cases)("%s", (_name, [peak, cores, execArgv, nodeOptions], pool) => {
    const advice = v8PoolAdvice(peak, cores, execArgv, nodeOptions);
    if (pool === undefined) expect(advice).toBeUndefined();
    else expect(advice).toContain(`NODE_OPTIONS=--v8-pool-size=${pool} `);
  });

  it("says the rate and the cores in one line", () => {
    expect(v8PoolAdvice(20_000, 2, [], undefined)).toBe(
      "hint: 20,000 sends/s on 2 cores: NODE_OPTIONS=--v8-pool-size=1 keeps the sender's GC pauses short (Node starts 4 V8 helper threads, more than the 1 spare core)",
    );
  });
});
