import { parentPort, Worker } from "node:worker_threads";
import { runThumbnail, type ThumbnailSpec } from "./thumbnail-task.ts";

/**
 * Marks a worker thread as a μ task thread. The worker wrapper is bundled into one file, so a
 * task thread is that same file started again with this flag in its workerData: the module's
 * top level sees it and serves tasks instead of exporting a handler (see mu-worker-handler.ts).
 */
export const taskThreadMarker = "xxbenchMuTaskThread";

/** `notAfterMs`: the latest start allowed, on the clock every thread shares (`wallNow`). */
type ToThread = { readonly spec: ThumbnailSpec; readonly notAfterMs: number };
type FromThread =
  | { readonly kind: "started"; readonly atMs: number }
  | { readonly kind: "refused"; readonly atMs: number }
  | { readonly kind: "done"; readonly checksum: string; readonly runMs: number }
  | { readonly kind: "error"; readonly message: string };

/** Milliseconds on a clock all threads of the process share (performance.now() is per thread). */
export function wallNow(): number {
  return performance.timeOrigin + performance.now();
}

/** A task whose thread got to it after its latest start: not run, left to its lease. */
export class TaskStartTooLateError extends Error {}

/**
 * The thread's side: run each task it is sent, saying when it started and what it computed. The
 * thread itself checks the latest start, so a task queued behind a busy event loop or a thread
 * still starting up never begins its work past it.
 */
export function serveTaskThread(): void {
  const port = parentPort;
  if (port === null) throw new Error("serveTaskThread runs only in a worker thread");
  port.on("message", (message: ToThread) => {
    const at = wallNow();
    if (at > message.notAfterMs) {
      port.postMessage({ kind: "refused", atMs: at } satisfies FromThread);
      return;
    }
    port.postMessage({ kind: "started", atMs: at } satisfies FromThread);
    const started = performance.now();
    try {
      const { checksum } = runThumbnail(message.spec);
      port.postMessage({ kind: "done", checksum, runMs: performance.now() - started } satisfies FromThread);
    } catch (error) {
      port.postMessage({ kind: "error", message: error instanceof Error ? error.message : String(error) } satisfies FromThread);
    }
  });
}

export interface TaskThreadResult {
  readonly checksum: string;
  readonly runMs: number;
}

/**
 * The wrapper's side: at most `slots` threads, each running one task at a time, so CPU work runs
 * in parallel on the instance's vCPUs while the handler's own thread polls (the paper's one vCPU
 * for monitoring and talking to the coordinator). Threads are kept for the next task and all
 * ended by `close()`.
 */
export class TaskThreads {
  private readonly idle: Worker[] = [];
  private readonly all = new Set<Worker>();
  private busy = 0;

  constructor(
    private readonly moduleUrl: URL,
    private readonly slots: number,
  ) {}

  get running(): number {
    return this.busy;
  }

  /** Busy time of the task threads alive now, ms since each started (their event-loop utilization). */
  activeMs(): number {
    let active = 0;
    for (const thread of this.all) active += thread.performance.eventLoopUtilization().active;
    return active;
  }

  /**
   * Runs one task on a thread; `onStarted` is told when (on `wallNow`'s clock) the thread began
   * it. A thread that gets to it after `notAfterMs` does not run it: TaskStartTooLateError.
   */
  run(spec: ThumbnailSpec, notAfterMs: number, onStarted: (atMs: number) => void): Promise<TaskThreadResult> {
    if (this.busy >= this.slots) return Promise.reject(new Error(`all ${this.slots} task threads are busy`));
    this.busy++;
    const thread = this.idle.pop() ?? this.spawn();
    return new Promise<TaskThreadResult>((resolve, reject) => {
      const finish = (): void => {
        thread.off("message", onMessage);
        thread.off("error", onError);
        this.busy--;
      };
      const onMessage = (message: FromThread): void => {
        if (message.kind === "started") {
          onStarted(message.atMs);
          return;
        }
        finish();
        this.idle.push(thread);
        if (message.kind === "done") resolve({ checksum: message.checksum, runMs: message.runMs });
        else if (message.kind === "refused") reject(new TaskStartTooLateError(`the thread got to task ${spec.task} ${(message.atMs - notAfterMs).toFixed(1)} ms past its latest start`));
        else reject(new Error(message.message));
      };
      const onError = (error: Error): void => {
        finish();
        this.all.delete(thread);
        reject(error);
      };
      thread.on("message", onMessage);
      thread.on("error", onError);
      thread.postMessage({ spec, notAfterMs } satisfies ToThread);
    });
  }

  async close(): Promise<void> {
    const threads = [...this.all];
    this.all.clear();
    this.idle.length = 0;
    await Promise.all(threads.map((t) => t.terminate()));
  }

  private spawn(): Worker {
    const thread = new Worker(this.moduleUrl, { workerData: { [taskThreadMarker]: true } });
    this.all.add(thread);
    return thread;
  }
}
