import { describe, expect, it } from "vitest";
import { PowerOfKPlacer } from "../../../adapters/scheduling/power-of-k-placer.ts";
import { SeededRandom } from "../../../traces/seeded-random.ts";
import { ScriptedRandom } from "./scripted-random.ts";

describe("PowerOfKPlacer (sample k distinct machines, take the least loaded)", () => {
  it.each([
    { name: "takes the less loaded of two samples", k: 2, load: [5, 1, 3, 0, 2], draws: [2, 4], chosen: 4 },
    { name: "ignores unsampled machines, even idle ones", k: 2, load: [5, 1, 3, 0, 2], draws: [0, 2], chosen: 2 },
    { name: "takes the first sampled on a tie", k: 2, load: [1, 1, 1, 1, 1], draws: [3, 1], chosen: 3 },
    { name: "takes the first sampled on a tie for the minimum", k: 3, load: [4, 2, 9, 2, 2], draws: [2, 4, 1], chosen: 4 },
    { name: "a later sample wins only when strictly less loaded", k: 3, load: [3, 3, 2, 3], draws: [0, 1, 2], chosen: 2 },
    { name: "redraws a machine already sampled", k: 2, load: [0, 9, 9, 9, 9], draws: [1, 1, 0], chosen: 0 },
    { name: "redraws until k distinct machines", k: 3, load: [9, 5, 5, 0, 9], draws: [1, 2, 1, 2, 1, 3], chosen: 3 },
    { name: "k = 1 takes its one sample", k: 1, load: [0, 7, 7], draws: [2], chosen: 2 },
  ])("$name", ({ k, load, draws, chosen }) => {
    const placer = new PowerOfKPlacer(load.length, k);
    const rng = new ScriptedRandom(draws);
    expect(placer.choose(load, rng)).toBe(chosen);
    expect(rng.used).toBe(draws.length);
    expect(rng.bounds.every((n) => n === load.length)).toBe(true);
  });

  it.each([
    { k: 4, load: [2, 1, 1, 3], chosen: 1 },
    { k: 10, load: [2, 1, 0], chosen: 2 },
    { k: 3, load: [1, 1, 1], chosen: 0 },
    { k: 3, load: [0, 1, 1], chosen: 0 },
    { k: 1, load: [4], chosen: 0 },
  ])("k = $k ≥ n = $load.length scans every machine and draws nothing: $load → $chosen", ({ k, load, chosen }) => {
    const placer = new PowerOfKPlacer(load.length, k);
    expect(placer.choose(load, new ScriptedRandom([]))).toBe(chosen);
  });

  it("samples are distinct machines, whatever the generator repeats", () => {
    // The idle machine 0 wins exactly when it is sampled: in 3 of 4 placements when the 3 samples
    // are distinct, in only 1 − (3/4)³ ≈ 58 % of them if samples could repeat.
    const placer = new PowerOfKPlacer(4, 3);
    const rng = SeededRandom.forPurpose(7, "power-of-k test placement");
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) counts[placer.choose([0, 1, 1, 1], rng)]!++;
    expect(counts[0]! / 4000).toBeGreaterThan(0.72);
    expect(counts[0]! / 4000).toBeLessThan(0.78);
  });
});
