import { describe, expect, it } from "vitest";
import { HashStepBalancer } from "../../../adapters/scheduling/hash-step-balancer.ts";
import { ScriptedRandom } from "./scripted-random.ts";

/**
 * The walks are fixed by FNV-1a of the function name (published test vectors: "" 0x811c9dc5,
 * "a" 0xe40c292c, "b" 0xe70c2de5, "c" 0xe60c2c52, "foo" 0xa9f37ed7, "foobar" 0xbf9cf968):
 * home = hash mod n, step = the (hash mod φ(n))-th number co-prime with n.
 */
const walks = [
  { fn: "a", invokers: 1, walk: [0] },
  { fn: "", invokers: 5, walk: [1, 3, 0, 2, 4] }, // home 1, step 2 of [1, 2, 3, 4]
  { fn: "a", invokers: 7, walk: [5, 3, 1, 6, 4, 2, 0] }, // home 5, step 5 of [1..6]
  { fn: "foobar", invokers: 7, walk: [0, 5, 3, 1, 6, 4, 2] }, // home 0, step 5
  { fn: "foobar", invokers: 8, walk: [0, 1, 2, 3, 4, 5, 6, 7] }, // home 0, step 1 of [1, 3, 5, 7]
  { fn: "a", invokers: 12, walk: [4, 5, 6, 7, 8, 9, 10, 11, 0, 1, 2, 3] }, // step 1 of [1, 5, 7, 11]
  { fn: "b", invokers: 12, walk: [1, 6, 11, 4, 9, 2, 7, 0, 5, 10, 3, 8] }, // step 5
  { fn: "c", invokers: 12, walk: [2, 9, 4, 11, 6, 1, 8, 3, 10, 5, 0, 7] }, // step 7
  { fn: "foo", invokers: 12, walk: [3, 2, 1, 0, 11, 10, 9, 8, 7, 6, 5, 4] }, // step 11
  { fn: "b", invokers: 10, walk: [7, 0, 3, 6, 9, 2, 5, 8, 1, 4] }, // step 3 of [1, 3, 7, 9]
  { fn: "c", invokers: 10, walk: [8, 5, 2, 9, 6, 3, 0, 7, 4, 1] }, // step 7
  { fn: "foo", invokers: 10, walk: [3, 2, 1, 0, 9, 8, 7, 6, 5, 4] }, // step 9
];

describe("HashStepBalancer (OpenWhisk: home invoker by hash, co-prime step walk)", () => {
  it.each(walks)("with every invoker full, $fn on $invokers invokers probes each once: $walk, then picks at random", ({ fn, invokers, walk }) => {
    const probes: number[] = [];
    const rng = new ScriptedRandom([invokers - 1]);
    const chosen = new HashStepBalancer(invokers).choose(fn, (m) => (probes.push(m), false), rng);
    expect(probes).toEqual(walk);
    expect(chosen).toBe(invokers - 1);
    expect(rng.bounds).toEqual([invokers]);
  });

  it.each(walks.flatMap(({ fn, invokers, walk }) => walk.map((free, at) => ({ fn, invokers, walk, free, at }))))(
    "$fn on $invokers invokers with only $free free takes it after $at full ones, drawing nothing",
    ({ fn, invokers, walk, free, at }) => {
      const probes: number[] = [];
      const chosen = new HashStepBalancer(invokers).choose(fn, (m) => (probes.push(m), m === free), new ScriptedRandom([]));
      expect(chosen).toBe(free);
      expect(probes).toEqual(walk.slice(0, at + 1));
    },
  );

  it("a function keeps its home across calls while the home has room", () => {
    const balancer = new HashStepBalancer(12);
    for (let i = 0; i < 3; i++) expect(balancer.choose("b", () => true, new ScriptedRandom([]))).toBe(1);
  });
});
