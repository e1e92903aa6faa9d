import { createHash, type Hash } from "node:crypto";
import { Worker } from "node:worker_threads";

/**
 * Two SHA-256 streams fed in step (a stream digest's numbers and names). The caller fills
 * `numbers` and `names` and hands over a prefix of each with `submit`; the buffers may be other
 * ones after every call, so they are read again each time. `digests()` returns both hashes of
 * everything submitted so far (32 bytes each), without ending the streams.
 */
export interface Sha256Pair {
  readonly numbers: Uint8Array;
  readonly names: Uint8Array;
  submit(numbersBytes: number, namesBytes: number): void;
  /** Bytes for the names hash from elsewhere, after everything submitted before. */
  namesBytes(bytes: Uint8Array): void;
  digests(): [Uint8Array, Uint8Array];
  close(): void;
}

/** Both hashes computed in the calling thread, as each buffer is submitted. */
export class InThreadSha256Pair implements Sha256Pair {
  readonly numbers: Uint8Array;
  readonly names: Uint8Array;
  private readonly numbersHash: Hash = createHash("sha256");
  private readonly namesHash: Hash = createHash("sha256");

  constructor(numbersCapacity: number, namesCapacity: number) {
    this.numbers = new Uint8Array(numbersCapacity);
    this.names = new Uint8Array(namesCapacity);
  }

  submit(numbersBytes: number, namesBytes: number): void {
    if (numbersBytes > 0) this.numbersHash.update(this.numbers.subarray(0, numbersBytes));
    if (namesBytes > 0) this.namesHash.update(this.names.subarray(0, namesBytes));
  }

  namesBytes(bytes: Uint8Array): void {
    this.namesHash.update(bytes);
  }

  digests(): [Uint8Array, Uint8Array] {
    return [this.numbersHash.copy().digest(), this.namesHash.copy().digest()];
  }

  close(): void {}
}

/**
 * Buffers in flight between the threads; while the hashing thread works on one, the caller fills
 * the next. Hashing a slot takes ~0.2 ms, but on a shared machine the thread may wait tens of ms
 * for a core: 16 slots (65,536 invocations, 8 MB) let the simulator run on meanwhile.
 */
const slotCount = 16;
/** How long the caller waits for the hashing thread before it gives up on it. */
const stalledAfterMs = 60_000;

// Plain JavaScript with node: modules only, so the thread starts without loading TypeScript.
// Slot state: 0 the caller's to fill, 1 submitted. The last int is set to 1 when the digests of
// everything before the request sit in `result`.
const hasherSource = `const { parentPort, workerData } = require("node:worker_threads");
const { createHash } = require("node:crypto");
const numbers = createHash("sha256");
const names = createHash("sha256");
const state = new Int32Array(workerData.state);
const done = workerData.slots.length;
parentPort.on("message", (m) => {
  if (m.kind === "slot") {
    const slot = workerData.slots[m.slot];
    if (m.numbersBytes > 0) numbers.update(new Uint8Array(slot.numbers, 0, m.numbersBytes));
    if (m.namesBytes > 0) names.update(new Uint8Array(slot.names, 0, m.namesBytes));
    Atomics.store(state, m.slot, 0);
    Atomics.notify(state, m.slot);
  } else if (m.kind === "names") {
    names.update(m.bytes);
  } else if (m.kind === "digests") {
    const result = new Uint8Array(workerData.result);
    result.set(numbers.copy().digest(), 0);
    result.set(names.copy().digest(), 32);
    Atomics.store(state, done, 1);
    Atomics.notify(state, done);
  }
});`;

/**
 * Both hashes computed on a thread of their own, so the replay thread only lays the bytes out:
 * SHA-256 over a replay's ~90 bytes an invocation is ~45 ms of CPU per million, which the second
 * core (beside the row writer) takes instead. The bytes hashed, and so the digests, are exactly
 * those of InThreadSha256Pair. The caller waits only when every slot is still being hashed.
 */
export class ThreadedSha256Pair implements Sha256Pair {
  private readonly slots: { readonly numbers: SharedArrayBuffer; readonly names: SharedArrayBuffer }[];
  private readonly views: { readonly numbers: Uint8Array; readonly names: Uint8Array }[];
  private readonly state: Int32Array;
  private readonly result: SharedArrayBuffer;
  private readonly worker: Worker;
  private current = 0;
  private failure: Error | null = null;

  constructor(numbersCapacity: number, namesCapacity: number) {
    this.slots = Array.from({ length: slotCount }, () => ({ numbers: new SharedArrayBuffer(numbersCapacity), names: new SharedArrayBuffer(namesCapacity) }));
    this.views = this.slots.map((s) => ({ numbers: new Uint8Array(s.numbers), names: new Uint8Array(s.names) }));
    const state = new SharedArrayBuffer(4 * (slotCount + 1));
    this.state = new Int32Array(state);
    this.result = new SharedArrayBuffer(64);
    this.worker = new Worker(hasherSource, { eval: true, workerData: { slots: this.slots, state, result: this.result }, execArgv: [] });
    // The replay never waits for the thread to exit: it ends with close(), or with the process.
    this.worker.unref();
    this.worker.on("error", (e) => (this.failure = e));
  }

  get numbers(): Uint8Array {
    return this.views[this.current]!.numbers;
  }

  get names(): Uint8Array {
    return this.views[this.current]!.names;
  }

  submit(numbersBytes: number, namesBytes: number): void {
    const slot = this.current;
    Atomics.store(this.state, slot, 1);
    this.worker.postMessage({ kind: "slot", slot, numbersBytes, namesBytes });
    this.current = (slot + 1) % slotCount;
    this.waitUntil(this.current, 0);
  }

  namesBytes(bytes: Uint8Array): void {
    this.worker.postMessage({ kind: "names", bytes: bytes.slice() });
  }

  digests(): [Uint8Array, Uint8Array] {
    Atomics.store(this.state, slotCount, 0);
    this.worker.postMessage({ kind: "digests" });
    this.waitUntil(slotCount, 1);
    const result = new Uint8Array(this.result);
    return [result.slice(0, 32), result.slice(32, 64)];
  }

  close(): void {
    void this.worker.terminate();
  }

  /** Blocks until state[index] holds `value`: the thread has freed a slot or written the digests. */
  private waitUntil(index: number, value: number): void {
    const started = performance.now();
    while (Atomics.load(this.state, index) !== value) {
      if (this.failure !== null) throw new Error(`the stream digest's hashing thread failed: ${this.failure.message}`);
      if (performance.now() - started > stalledAfterMs) throw new Error(`the stream digest's hashing thread did not answer within ${stalledAfterMs / 1000} s`);
      Atomics.wait(this.state, index, Atomics.load(this.state, index), 100);
    }
  }
}
