import { describe, expect, it } from "vitest";
import { epsilonMb, XxDispatcher, type XxDispatcherOptions } from "../../../adapters/scheduling/xx-dispatcher.ts";
import { runsOnFreeCore, XxMachine } from "../../../adapters/scheduling/xx-machine.ts";
import { ScriptedRandom } from "./scripted-random.ts";
import { functionTable } from "./xx-function-table.ts";

/**
 * One core, three classes, 1000 MB RAM and 500 MB swap. Function 0 (class 2, 400 MB) runs;
 * 1 (class 0, 100 MB), 2 (class 0, 200 MB) and 3 (class 1, 300 MB) wait, in that order.
 */
function setUp(options: Partial<XxDispatcherOptions> = {}): { machine: XxMachine; dispatcher: XxDispatcher } {
  const machine = new XxMachine(1, 3, functionTable([2, 0, 0, 1], [400, 100, 200, 300]));
  for (const fn of [0, 1, 2, 3]) if (machine.admit(fn) === runsOnFreeCore) machine.start(fn);
  return { machine, dispatcher: new XxDispatcher(machine, { machine: 0, ramMb: 1000, swapMb: 500, idleList: null, ...options }) };
}

describe("XxDispatcher.chooseSwapOuts: waiting functions, lowest class first, newest first within it", () => {
  it.each([
    { name: "RAM has room: nothing", resident: 900, swappedFirst: [], victims: [] },
    { name: "RAM has room by less than epsilon: nothing", resident: 1000 - 2 * epsilonMb, swappedFirst: [], victims: [] },
    { name: "RAM just full: the newest of class 0", resident: 1000, swappedFirst: [], victims: [2] },
    { name: "250 MB over: both of class 0, newest first", resident: 1250, swappedFirst: [], victims: [2, 1] },
    { name: "301 MB over: class 0, then class 1", resident: 1301, swappedFirst: [], victims: [2, 1, 3] },
    { name: "far over: every waiting one, never the running class 2", resident: 9000, swappedFirst: [], victims: [2, 1, 3] },
    { name: "skips one already swapped out", resident: 1050, swappedFirst: [2], victims: [1] },
  ])("$name", ({ resident, swappedFirst, victims }) => {
    const { machine, dispatcher } = setUp();
    for (const fn of swappedFirst) machine.swapOut(fn);
    const chosen: number[] = [];
    dispatcher.chooseSwapOuts(resident, chosen);
    expect(chosen).toEqual(victims);
  });
});

describe("XxDispatcher.mustKill: only when swap is exhausted", () => {
  // Function 2 (200 MB) is swapped out first, so swap holds 200 MB plus whatever overflows RAM.
  it.each([
    { name: "RAM has room", ramMb: 1000, swapMb: 500, resident: 900, kill: false },
    { name: "RAM overflows into swap with room left", ramMb: 1000, swapMb: 500, resident: 1200, kill: false },
    { name: "RAM and swap both exactly full: growth has nowhere to go", ramMb: 1000, swapMb: 500, resident: 1300, kill: true },
    { name: "swap holds more than it can", ramMb: 1000, swapMb: 500, resident: 1400, kill: true },
    { name: "swap full but RAM has room (no growth lost)", ramMb: 1000, swapMb: 200, resident: 900, kill: false },
    { name: "swap overfull with RAM to spare", ramMb: 1000, swapMb: 100, resident: 900, kill: true },
  ])("$name: $kill", ({ ramMb, swapMb, resident, kill }) => {
    const { machine, dispatcher } = setUp({ ramMb, swapMb });
    machine.swapOut(2);
    expect(dispatcher.mustKill(resident)).toBe(kill);
  });

  it("never on an empty machine", () => {
    const machine = new XxMachine(1, 1, functionTable([0]));
    expect(new XxDispatcher(machine, { machine: 0, ramMb: 10, swapMb: 0, idleList: null }).mustKill(1e9)).toBe(false);
  });

  it.each([
    { name: "the newest of the lowest class present", killedFirst: [], victim: 2 },
    { name: "then the older one of that class", killedFirst: [2], victim: 1 },
    { name: "then the next class up", killedFirst: [2, 1], victim: 3 },
    { name: "and the running top class last", killedFirst: [2, 1, 3], victim: 0 },
  ])("kills $name", ({ killedFirst, victim }) => {
    const { machine, dispatcher } = setUp();
    for (const fn of killedFirst) machine.kill(fn);
    expect(dispatcher.chooseKill()).toBe(victim);
  });
});

describe("XxDispatcher.roomMb: how far running functions may grow before it must act", () => {
  it.each([
    { name: "RAM left", resident: 900, room: 100 },
    { name: "RAM full: the swap left (500 − 200 swapped)", resident: 1000, room: 300 },
    { name: "RAM overflowing by 100: the swap left after the overflow", resident: 1100, room: 200 },
  ])("$name", ({ resident, room }) => {
    const { machine, dispatcher } = setUp();
    machine.swapOut(2);
    expect(dispatcher.roomMb(resident)).toBe(room);
  });
});

describe("XxDispatcher.observeIdle: the machine's idle-list entry from its free memory", () => {
  const idleList = { shards: 2, k: 2, thresholdMb: 250, stepMb: 50 };

  it("reports nothing without idle lists", () => {
    expect(setUp().dispatcher.observeIdle(0, () => 0, new ScriptedRandom([]))).toBeNull();
  });

  it("joins the shorter of k sampled lists with its free memory and function count, then rewrites and leaves", () => {
    const { dispatcher } = setUp({ machine: 7, idleList });
    const sizes = [3, 1];
    expect({ ...dispatcher.observeIdle(100, (s) => sizes[s]!, new ScriptedRandom([0, 1])) }).toEqual({
      kind: "join",
      machine: 7,
      shard: 1,
      freeMb: 900,
      functions: 4,
    });
    expect(dispatcher.observeIdle(140, (s) => sizes[s]!, new ScriptedRandom([]))).toBeNull();
    expect({ ...dispatcher.observeIdle(160, (s) => sizes[s]!, new ScriptedRandom([])) }).toMatchObject({ kind: "update", freeMb: 840 });
    expect({ ...dispatcher.observeIdle(750, (s) => sizes[s]!, new ScriptedRandom([])) }).toMatchObject({ kind: "leave", shard: 1 });
  });
});
