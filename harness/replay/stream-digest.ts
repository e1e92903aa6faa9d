import { createHash } from "node:crypto";
import type { Invocation, InvocationBatch } from "../../traces/invocation.ts";
import { InThreadSha256Pair, ThreadedSha256Pair, type Sha256Pair } from "./sha256-pair.ts";

/** One function's name record as the names hash sees it, kept for the next invocation of it. */
interface NameRecord {
  readonly tenant: string;
  readonly app: string;
  readonly trigger: string | undefined;
  readonly bytes: Uint8Array;
}

/** Invocations laid out per submit: a 4,096-invocation batch is one. */
const chunkInvocations = 4096;
/** Bytes of one invocation's numbers record. */
const numbersRecordBytes = 64;
/** Name bytes gathered before a submit (a 4,096-invocation batch of 64-byte name records fits). */
const namesBufferBytes = 256 * 1024;

export interface StreamDigestOptions {
  /**
   * Hash on a thread of its own (ThreadedSha256Pair): for replays, whose streams are long. Call
   * `close()` when done with the digest.
   */
  readonly offThread?: boolean;
}

/**
 * SHA-256 over every field of every invocation, in stream order. Two runs replayed the identical
 * stream exactly when their digests match; reports refuse to pair runs that did not.
 *
 * Numbers and names go to two hashes, each fed a byte stream that is the plain concatenation of
 * per-invocation records (every name record ends in its own terminator), so how a source cuts the
 * stream into batches never changes the digest; the digest is the SHA-256 of the two. Because only
 * the concatenation counts, the bytes may be fed in any pieces: each function's UTF-8 name record
 * is encoded once and copied per invocation, and a batch goes to each hash in one piece.
 */
export class StreamDigest {
  private readonly hashes: Sha256Pair;
  /** The last name record seen under each `fn`: names are unique per app, not across apps. */
  private readonly records = new Map<string, NameRecord>();
  private readonly encoder = new TextEncoder();
  count = 0;
  lastArrivalMs = 0;

  constructor(options: StreamDigestOptions = {}) {
    const numbersBytes = chunkInvocations * numbersRecordBytes;
    this.hashes = options.offThread === true ? new ThreadedSha256Pair(numbersBytes, namesBufferBytes) : new InThreadSha256Pair(numbersBytes, namesBufferBytes);
  }

  update(batch: InvocationBatch): void {
    for (let start = 0; start < batch.length; start += chunkInvocations) this.updateChunk(batch, start, Math.min(batch.length, start + chunkInvocations));
    this.count += batch.length;
    const last = batch.at(-1);
    if (last !== undefined) this.lastArrivalMs = last.arrivalMs;
  }

  private updateChunk(batch: InvocationBatch, start: number, end: number): void {
    const hashes = this.hashes;
    // Views of the buffers the pair hands out now; they change with every submit.
    const nums = new Float64Array(hashes.numbers.buffer, hashes.numbers.byteOffset, chunkInvocations * 8);
    const names = hashes.names;
    let at = 0;
    // The per-invocation loop of every replay: start ≤ i < end ≤ batch.length, so `!` is kept rather than checked.
    for (let i = start; i < end; i++) {
      const inv = batch[i]!;
      const o = (i - start) * 8;
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
      if (at + bytes.length > names.length) {
        // Rare (long names): what is gathered goes first, then the record on its own if it is
        // longer than the whole buffer. The names hash sees the same bytes in the same order.
        hashes.namesBytes(names.subarray(0, at));
        at = 0;
        if (bytes.length > names.length) {
          hashes.namesBytes(bytes);
          continue;
        }
      }
      names.set(bytes, at);
      at += bytes.length;
    }
    hashes.submit((end - start) * numbersRecordBytes, at);
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
    const [numbers, names] = this.hashes.digests();
    return createHash("sha256").update(numbers).update(names).digest("hex");
  }

  /** Ends the hashing thread, if there is one; the digest cannot be updated or read after. */
  close(): void {
    this.hashes.close();
  }
}
