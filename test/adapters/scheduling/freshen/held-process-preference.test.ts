import { describe, expect, it } from "vitest";
import { noPreference, preferHeldMachine, type FreshenHold, type HoldingMachineView } from "../../../../adapters/scheduling/freshen/held-process-preference.ts";

const hold: FreshenHold = { machine: 3, untilMs: 1000, cores: 2 };

describe("preferHeldMachine: a predicted call goes to the machine holding its freshened process", () => {
  it.each<[string, FreshenHold | undefined, number, HoldingMachineView | undefined, number]>([
    ["a valid hold on an up machine with a free core", hold, 500, { up: true, load: 0 }, 3],
    ["one core still free", hold, 500, { up: true, load: 1 }, 3],
    ["the last instant of the hold", hold, 999.999, { up: true, load: 0 }, 3],
    ["the hold has just ended (exclusive)", hold, 1000, { up: true, load: 0 }, noPreference],
    ["the hold ended long ago", hold, 5000, { up: true, load: 0 }, noPreference],
    ["every core busy", hold, 500, { up: true, load: 2 }, noPreference],
    ["more functions than cores", hold, 500, { up: true, load: 7 }, noPreference],
    ["the machine is down", hold, 500, { up: false, load: 0 }, noPreference],
    ["never registered (load unknown)", hold, 500, { up: true, load: Infinity }, noPreference],
    ["load not a number", hold, 500, { up: true, load: NaN }, noPreference],
    ["no hold for this call", undefined, 500, { up: true, load: 0 }, noPreference],
    ["the shard does not know the machine", hold, 500, undefined, noPreference],
  ])("%s", (_what, h, now, view, expected) => {
    expect(preferHeldMachine(h, now, view)).toBe(expected);
  });

  it("names the holding machine, whichever it is", () => {
    for (const machine of [0, 1, 17]) expect(preferHeldMachine({ machine, untilMs: 10, cores: 1 }, 0, { up: true, load: 0 })).toBe(machine);
  });
});
