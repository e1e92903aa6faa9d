import { createHash, type Hash } from "node:crypto";
import type { Invocation, InvocationBatch } from "../../traces/invocation.ts";

/** One function's name record as the names hash sees it, kept for the next invocation of it. */
interface NameRecord {
  readonly tenant: string;
  readonly app: string;
  readonly trigger: string | undefined;
  readonly bytes: Uint8Array;
}

/** Name bytes gathered before one update() of the names hash (a 4,096-invocation batch fits). */
const namesBufferBytes = 256 * 1024;

/**
 * SHA-256 over every field of every invocation, in stream order. Two runs replayed the identical
 * stream exactly when their digests match; reports refuse to pair runs that did not.
 *
 * Numbers and names go to two hashes, each fed a byte stream that is the plain concatenation of
 * per-invocation records (every name record ends in its own terminator), so how a source cuts the
 * stream into batches never changes the digest; the digest is the SHA-256 of the two. Because only
 * the concatenation counts, the bytes may be fed in any pieces: each function's UTF-8 name record
 * is encoded once and copied per invocation, and a batch goes to each hash in one update().
 */
export class StreamDigest {
  private readonly numbersHash: Hash = createHash("sha256");
  private readonly namesHash: Hash = createHash("sha256");
  private numbers = new Float64Array(8 * 4096);
  private readonly names = new Uint8Array(namesBufferBytes);
  /** The last name record seen under each `fn`: names are unique per app, not across apps. */
  private readonly records = new Map<string, NameRecord>();
  private readonly encoder = new TextEncoder();
  count = 0;
  lastArrivalMs = 0;

  update(batch: InvocationBatch): void {
    if (this.numbers.length < batch.length * 8) this.numbers = new Float64Array(batch.length * 8);
    const nums = this.numbers;
    const names = this.names;
    let at = 0;
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
      let record = this.records.get(inv.fn);
      if (record === undefined || record.tenant !== inv.tenant || record.app !== inv.app || record.trigger !== inv.trigger) record = this.remember(inv);
      const bytes = record.bytes;
      const length = bytes.length;
      if (at + length > names.length) {
        this.namesHash.update(names.subarray(0, at));
        at = 0;
        if (length > names.length) {
          this.namesHash.update(bytes);
          continue;
        }
      }
      names.set(bytes, at);
      at += length;
    }
    this.numbersHash.update(new Uint8Array(nums.buffer, 0, batch.length * 64));
    this.namesHash.update(names.subarray(0, at));
    this.count += batch.length;
    const last = batch.at(-1);
    if (last !== undefined) this.lastArrivalMs = last.arrivalMs;
  }

  private remember(inv: Invocation): NameRecord {
    const record: NameRecord = {
      tenant: inv.tenant,
      app: inv.app,
      trigger: inv.trigger,
      bytes: this.encoder.encode(`${inv.tenant}\u0000${inv.app}\u0000${inv.fn}\u0000${inv.trigger ?? ""}\u0001`),
    };
    this.records.set(inv.fn, record);
    return record;
  }

  hex(): string {
    return createHash("sha256").update(this.numbersHash.copy().digest()).update(this.namesHash.copy().digest()).digest("hex");
  }
}
