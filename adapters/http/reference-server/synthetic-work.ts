import type { WorkMode } from "./server-options.ts";

export interface SyntheticWork {
  readonly workMs: number;
  /** Memory to grow to, MB (already scaled by the server's --mem-scale). */
  readonly memMb: number;
  readonly mode: WorkMode;
}

export interface WorkDone {
  /** Wall time from the start of the work to its end, ms. */
  readonly execMs: number;
  /** CPU time of this process (all its threads, user + system) over the work, ms. */
  readonly cpuMs: number;
  /** Memory actually allocated and touched at the peak, MB. */
  readonly memMb: number;
}

const mb = 1024 * 1024;
/** Wall time between yields to the event loop, so a worker notices its primary is gone. */
const sliceMs = 10;
/** Arithmetic between clock reads: a few µs, so reading the clock (a syscall) stays a small share. */
const unitIterations = 4000;

/** CPU ms this process used since `start` (process.cpuUsage's µs). */
function cpuMsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/** Holds touched memory in 1 MB buffers; growing is what makes the pages resident. */
class MemoryHeld {
  private readonly chunks: Buffer[] = [];
  private bytes = 0;

  get mb(): number {
    return this.bytes / mb;
  }

  growTo(targetMb: number): void {
    const target = Math.floor(targetMb * mb);
    while (this.bytes < target) {
      const size = Math.min(mb, target - this.bytes);
      // allocUnsafeSlow: outside Node's shared pool; fill writes every page, so it is resident.
      this.chunks.push(Buffer.allocUnsafeSlow(size).fill(this.chunks.length & 0xff));
      this.bytes += size;
    }
  }
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Executes one request's work for real. In `cpu` mode it computes until this process's CPU clock
 * has advanced by `workMs` (so time lost to other processes on a busy machine does not count as
 * work done), growing memory in step with the work; in `sleep` mode it grows the memory at once
 * and then holds until `workMs` of wall time has passed. The memory is released when it returns.
 */
export async function runSyntheticWork(work: SyntheticWork): Promise<WorkDone> {
  const wallStart = performance.now();
  const cpuStart = process.cpuUsage();
  const memory = new MemoryHeld();
  if (work.mode === "sleep") {
    memory.growTo(work.memMb);
    // Timers run on a millisecond clock and may fire a fraction of a ms early: sleep again until
    // the full workMs has passed on the precise one.
    for (let left = work.workMs - (performance.now() - wallStart); left > 0; left = work.workMs - (performance.now() - wallStart)) {
      await new Promise((resolve) => setTimeout(resolve, Math.ceil(left)));
    }
  } else {
    let sink = 0;
    let sliceStart = wallStart;
    for (;;) {
      const cpuMs = cpuMsSince(cpuStart);
      memory.growTo(work.workMs > 0 ? work.memMb * Math.min(1, cpuMs / work.workMs) : work.memMb);
      if (cpuMs >= work.workMs) break;
      for (let i = 0; i < unitIterations; i++) sink += Math.sqrt(i + sink);
      if (performance.now() - sliceStart >= sliceMs) {
        await yieldToEventLoop();
        sliceStart = performance.now();
      }
    }
    // Keeps the arithmetic from being optimised away.
    if (sink < 0) throw new Error("unreachable");
  }
  return { execMs: performance.now() - wallStart, cpuMs: cpuMsSince(cpuStart), memMb: memory.mb };
}
