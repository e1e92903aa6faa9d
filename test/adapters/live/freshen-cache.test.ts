import { describe, expect, it } from "vitest";
import { emptyTally, FreshenCache } from "../../../adapters/live/freshen-cache.ts";

/** A cache on a clock the test moves, and a loader that counts its calls. */
function setUp() {
  let nowMs = 0;
  const cache = new FreshenCache(() => nowMs);
  const calls = { n: 0 };
  const loader = async (): Promise<string> => {
    calls.n++;
    return `v${calls.n}`;
  };
  return { cache, calls, loader, advance: (ms: number) => (nowMs += ms) };
}

describe("FreshenCache: seed 003's FrFetch / FrWarm with a TTL, shared by freshen and the handler", () => {
  it("absent: the handler fetches now", async () => {
    const { cache, calls, loader } = setUp();
    const tally = emptyTally();
    expect(await cache.helpers(false, tally).fetch("k", loader, { ttlMs: 100 })).toBe("v1");
    expect([calls.n, tally]).toEqual([1, { prediction: 0, cache: 0, wait: 0, doNow: 1 }]);
  });

  it("finished by freshen and younger than the TTL: reused as the prediction once, then as the cache", async () => {
    const { cache, calls, loader, advance } = setUp();
    await cache.helpers(true, emptyTally()).fetch("k", loader, { ttlMs: 100 });
    advance(99);
    const tally = emptyTally();
    const handler = cache.helpers(false, tally);
    expect([await handler.fetch("k", loader, { ttlMs: 100 }), await handler.fetch("k", loader, { ttlMs: 100 })]).toEqual(["v1", "v1"]);
    expect([calls.n, tally]).toEqual([1, { prediction: 1, cache: 1, wait: 0, doNow: 0 }]);
  });

  it("finished but as old as its TTL: fetched again", async () => {
    const { cache, calls, loader, advance } = setUp();
    await cache.helpers(true, emptyTally()).fetch("k", loader, { ttlMs: 100 });
    advance(100);
    const tally = emptyTally();
    expect(await cache.helpers(false, tally).fetch("k", loader, { ttlMs: 100 })).toBe("v2");
    expect([calls.n, tally.doNow]).toEqual([2, 1]);
  });

  it("running: the handler waits for freshen's fetch and does not fetch itself", async () => {
    const { cache } = setUp();
    let finish: (v: string) => void = () => {};
    let calls = 0;
    const slow = (): Promise<string> => {
      calls++;
      return new Promise((resolve) => (finish = resolve));
    };
    const byFreshen = cache.helpers(true, emptyTally()).fetch("k", slow, { ttlMs: 100 });
    await Promise.resolve();
    const tally = emptyTally();
    const byHandler = cache.helpers(false, tally).fetch("k", slow, { ttlMs: 100 });
    finish("late");
    expect([await byFreshen, await byHandler, calls, tally.wait]).toEqual(["late", "late", 1, 1]);
  });

  it("running, then failed: the waiting handler fetches itself", async () => {
    const { cache, calls, loader } = setUp();
    let fail: (e: Error) => void = () => {};
    const failing = (): Promise<string> => new Promise((_, reject) => (fail = reject));
    const byFreshen = cache.helpers(true, emptyTally()).fetch("k", failing, { ttlMs: 100 });
    byFreshen.catch(() => {});
    await Promise.resolve();
    const tally = emptyTally();
    const byHandler = cache.helpers(false, tally).fetch("k", loader, { ttlMs: 100 });
    fail(new Error("store down"));
    await expect(byFreshen).rejects.toThrow("store down");
    expect([await byHandler, calls.n, tally.wait, tally.doNow]).toEqual(["v1", 1, 1, 1]);
  });

  it("warm opens a resource once per process, whoever asks first", async () => {
    const { cache, calls, loader, advance } = setUp();
    await cache.helpers(true, emptyTally()).warm("conn", loader);
    advance(1e9);
    const tally = emptyTally();
    const handler = cache.helpers(false, tally);
    expect([await handler.warm("conn", loader), await handler.warm("conn", loader), calls.n]).toEqual(["v1", "v1", 1]);
  });

  it("a TTL that is not a positive number of ms is refused", async () => {
    const { cache, loader } = setUp();
    await expect(cache.helpers(false, emptyTally()).fetch("k", loader, { ttlMs: 0 })).rejects.toThrow("ttlMs must be > 0 ms (got 0)");
  });
});
