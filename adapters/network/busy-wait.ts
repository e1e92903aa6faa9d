/** Keeps the delay loop between clock reads from being optimised away. */
let spinSink = 0;

/** Loop steps between two clock reads: well under a microsecond on the machines here. */
const stepsPerRead = 256;

/**
 * Busy-waits until `performance.now()` reaches `untilMs`, and returns the time it read last.
 * The clock is read every few hundred loop steps rather than back to back: on Node 20 each
 * `performance.now()` call returns a freshly boxed number, and reading it flat out makes about
 * 500 MB of garbage a second, a young-generation collection (and a pause of the sender) every
 * 30 ms. Spaced out, the wait overshoots by well under a microsecond and makes almost none.
 */
export function busyWaitUntil(untilMs: number): number {
  let now = performance.now();
  while (now < untilMs) {
    for (let i = 0; i < stepsPerRead; i++) spinSink = (spinSink + i) | 0;
    now = performance.now();
  }
  return now;
}
