import type { SeededRandom } from "../../traces/seeded-random.ts";

/**
 * OpenWhisk's sharding container-pool balancer, reduced to what decides placement: each function
 * has a home invoker (a hash of its name) and a step co-prime with the number of invokers; the
 * balancer walks home, home + step, … and takes the first invoker with a free slot, so a function
 * keeps landing where it is warm. If every invoker is full it picks one at random and the
 * invocation queues there (the invoker's Kafka topic).
 */
export class HashStepBalancer {
  private readonly steps: number[];

  constructor(readonly invokers: number) {
    this.steps = [];
    for (let s = 1; s <= invokers; s++) if (gcd(s, invokers) === 1) this.steps.push(s);
  }

  choose(fn: string, hasFreeSlot: (invoker: number) => boolean, rng: SeededRandom): number {
    const h = fnv1a(fn);
    const home = h % this.invokers;
    const step = this.steps[h % this.steps.length]!;
    for (let i = 0, m = home; i < this.invokers; i++, m = (m + step) % this.invokers) {
      if (hasFreeSlot(m)) return m;
    }
    return rng.int(this.invokers);
  }
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
