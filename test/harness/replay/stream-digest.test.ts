import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { StreamDigest } from "../../../harness/replay/stream-digest.ts";
import type { Invocation } from "../../../traces/invocation.ts";

const stream: readonly Invocation[] = [
  { id: 0, arrivalMs: 0, tenant: "t0", app: "a0", fn: "f0", priceClass: 0, workMs: 10, memStartMb: 64, memPeakMb: 128 },
  { id: 1, arrivalMs: 2.5, tenant: "t1", app: "a1", fn: "f1", trigger: "http", priceClass: 2, workMs: 7.25, memStartMb: 32, memPeakMb: 32, parentId: 0 },
  { id: 2, arrivalMs: 9, tenant: "t0", app: "a0", fn: "f2", trigger: "queue", priceClass: 1, workMs: 100, memStartMb: 256, memPeakMb: 300 },
];

function digestOf(batches: readonly (readonly Invocation[])[]): StreamDigest {
  const digest = new StreamDigest();
  for (const batch of batches) digest.update(batch);
  return digest;
}

/** The stream with one field of invocation `at` replaced. */
function changed(at: number, change: Partial<Invocation>): Invocation[] {
  return stream.map((inv, i) => (i === at ? { ...inv, ...change } : inv));
}

describe("StreamDigest (SHA-256 over every field of every invocation, in order)", () => {
  // Worked out inside each test, not at collection, so mutation testing can tell which tests cover what.
  const baseDigest = (): string => digestOf([stream]).hex();

  it("the same stream gives the same digest, and reading it does not end it", () => {
    const base = baseDigest();
    expect(digestOf([stream.map((inv) => ({ ...inv }))]).hex()).toBe(base);
    const digest = digestOf([stream]);
    expect(digest.hex()).toBe(base);
    expect(digest.hex()).toBe(base);
    digest.update([]);
    expect(digest.hex()).toBe(base);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
  });

  it("pins the digest of a known stream: a change here unpairs every stored run", () => {
    expect(baseDigest()).toBe(PINNED);
  });

  it.each<[string, Invocation[]]>([
    ["id", changed(1, { id: 7 })],
    ["arrivalMs", changed(1, { arrivalMs: 2.5000001 })],
    ["tenant", changed(2, { tenant: "t1" })],
    ["app", changed(2, { app: "a1" })],
    ["fn", changed(0, { fn: "f9" })],
    ["trigger added", changed(0, { trigger: "http" })],
    ["trigger changed", changed(1, { trigger: "timer" })],
    ["priceClass", changed(0, { priceClass: 1 })],
    ["workMs", changed(2, { workMs: 101 })],
    ["memStartMb", changed(2, { memStartMb: 255 })],
    ["memPeakMb", changed(0, { memPeakMb: 129 })],
    ["parentId added", changed(2, { parentId: 1 })],
    ["parentId changed", changed(1, { parentId: 2 })],
    ["a text field's boundary moved", changed(0, { tenant: "t0a", app: "0" })],
    ["order of two invocations", [stream[1]!, stream[0]!, stream[2]!]],
    ["an invocation dropped", stream.slice(0, 2)],
    ["an invocation repeated", [...stream, stream[2]!]],
  ])("a changed %s gives a different digest", (_field, other) => {
    expect(digestOf([other]).hex()).not.toBe(baseDigest());
  });

  it("does not depend on how the stream is cut into batches", () => {
    const base = baseDigest();
    expect(digestOf([stream.slice(0, 2), stream.slice(2)]).hex()).toBe(base);
    expect(digestOf([stream.slice(0, 1), [], stream.slice(1)]).hex()).toBe(base);
    expect(digestOf(stream.map((inv) => [inv])).hex()).toBe(base);
  });

  it("counts invocations and remembers the last arrival", () => {
    const digest = digestOf([stream.slice(0, 2), [], stream.slice(2)]);
    expect(digest.count).toBe(3);
    expect(digest.lastArrivalMs).toBe(9);
    expect(new StreamDigest().lastArrivalMs).toBe(0);
  });

  it("a batch larger than its buffer is hashed whole", () => {
    const big = Array.from({ length: 5000 }, (_, i): Invocation => ({ ...stream[0]!, id: i, arrivalMs: i }));
    const last = big.map((inv, i) => (i === 4999 ? { ...inv, workMs: 11 } : inv));
    expect(digestOf([big]).hex()).toBe(digestOf([big]).hex());
    expect(digestOf([last]).hex()).not.toBe(digestOf([big]).hex());
    expect(digestOf([big]).count).toBe(5000);
  });

  it("hashes each invocation's own names when one fn name recurs under other tenants, apps and triggers", () => {
    // Written out independently: the names stream is every record's bytes, one after another.
    const reference = (invs: readonly Invocation[]): string => {
      const numbers = new Float64Array(invs.flatMap((inv) => [inv.id, inv.arrivalMs, inv.priceClass, inv.workMs, inv.memStartMb, inv.memPeakMb, inv.parentId ?? -1, 0]));
      const names = invs.map((inv) => `${inv.tenant}\u0000${inv.app}\u0000${inv.fn}\u0000${inv.trigger ?? ""}\u0001`).join("");
      const part = (data: Uint8Array | string): Buffer => createHash("sha256").update(data).digest();
      return createHash("sha256").update(part(new Uint8Array(numbers.buffer))).update(part(names)).digest("hex");
    };
    const base = stream[0]!;
    const recurring: Invocation[] = [
      { ...base, id: 0, fn: "f" },
      { ...base, id: 1, fn: "f", app: "other-app" },
      { ...base, id: 2, fn: "f", tenant: "other-tenant" },
      { ...base, id: 3, fn: "f", trigger: "http" },
      { ...base, id: 4, fn: "f", tenant: "ténant-ü" },
      { ...base, id: 5, fn: "f" },
    ];
    expect(digestOf([recurring]).hex()).toBe(reference(recurring));
    expect(digestOf(recurring.map((inv) => [inv])).hex()).toBe(reference(recurring));
    // A names record longer than the digest's buffer, amid short ones.
    const long: Invocation[] = [recurring[0]!, { ...base, id: 1, app: "a".repeat(300_000) }, recurring[5]!];
    expect(digestOf([long]).hex()).toBe(reference(long));
  });

  it("hashed on a thread of its own, the digest is the same, however the stream is cut and whenever it is read", () => {
    const base = stream[0]!;
    // 20 chunks of 4,096: every one of the 16 slots is filled, and some twice.
    const many = Array.from({ length: 80_000 }, (_, i): Invocation => ({ ...base, id: i, arrivalMs: i / 3, fn: `f${i % 37}`, workMs: (i * 7) % 101 }));
    const long: Invocation[] = [base, { ...base, id: 1, app: "a".repeat(300_000) }, { ...base, id: 2, fn: "g", trigger: "http" }];
    for (const batches of [[stream], stream.map((inv) => [inv]), [many.slice(0, 5000), many.slice(5000, 5001), many.slice(5001)], [long]]) {
      const threaded = new StreamDigest({ offThread: true });
      try {
        const inThread = digestOf([]);
        for (const [b, batch] of batches.entries()) {
          threaded.update(batch);
          inThread.update(batch);
          if (b === 0) expect(threaded.hex()).toBe(inThread.hex());
        }
        expect(threaded.hex()).toBe(inThread.hex());
        expect(threaded.count).toBe(inThread.count);
        expect(threaded.lastArrivalMs).toBe(inThread.lastArrivalMs);
      } finally {
        threaded.close();
      }
    }
    const pinned = new StreamDigest({ offThread: true });
    pinned.update(stream);
    expect(pinned.hex()).toBe(PINNED);
    pinned.close();
  });
});

/**
 * Worked out independently of StreamDigest: SHA-256 of two SHA-256s, that of the eight
 * little-endian float64s (id, arrivalMs, priceClass, workMs, memStartMb, memPeakMb,
 * parentId ?? -1, 0) of every invocation, then that of `tenant NUL app NUL fn NUL trigger ?? "" \u0001`
 * of every invocation.
 */
const PINNED = "c3bac4bb32d807e43eae9fa254539df99ea7eb149e00b6b89b08c55c13ba5b78";
