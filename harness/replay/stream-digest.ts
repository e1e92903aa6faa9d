import { createHash, type Hash } from "node:crypto";
import type { InvocationBatch } from "../../traces/invocation.ts";

/**
 * SHA-256 over every field of every invocation, in stream order. Two runs replayed the identical
 * stream exactly when their digests match; reports refuse to pair runs that did not.
 *
 * Numbers and names go to two hashes, each fed a byte stream that is the plain concatenation of
 * per-invocation records (every name record ends in its own terminator), so how a source cuts the
 * stream into batches never changes the digest; the digest is the SHA-256 of the two.
 */
export class StreamDigest {
  private readonly numbersHash: Hash = createHash("sha256");
  private readonly namesHash: Hash = createHash("sha256");
  private numbers = new Float64Array(8 * 4096);
  count = 0;
  lastArrivalMs = 0;

  update(batch: InvocationBatch): void {
    if (this.numbers.length < batch.length * 8) this.numbers = new Float64Array(batch.length * 8);
    const nums = this.numbers;
    const text: string[] = [];
    // The per-invocation loop of every replay: i < batch.length, so `!` is kept rather than checked.
    for (let i = 0; i < batch.length; i++) {
      const inv = batch[i]!;
      const o = i * 8;
      nums[o] = inv.id;
      nums[o + 1] = inv.arrivalMs;
      nums[o + 2] = inv.priceClass;
      nums[o + 3] = inv.workMs;
      nums[o + 4] = inv.memStartMb;
      nums[o + 5] = inv.memPeakMb;
      nums[o + 6] = inv.parentId ?? -1;
      nums[o + 7] = 0;
      text.push(`${inv.tenant}\u0000${inv.app}\u0000${inv.fn}\u0000${inv.trigger ?? ""}\u0001`);
    }
    this.numbersHash.update(new Uint8Array(nums.buffer, 0, batch.length * 64));
    this.namesHash.update(text.join(""));
    this.count += batch.length;
    const last = batch.at(-1);
    if (last !== undefined) this.lastArrivalMs = last.arrivalMs;
  }

  hex(): string {
    return createHash("sha256").update(this.numbersHash.copy().digest()).update(this.namesHash.copy().digest()).digest("hex");
  }
}
