import type { SyntheticWork, WorkDone } from "./synthetic-work.ts";

/** Primary → worker: execute one request's work. A worker holds at most one at a time. */
export type ToWorker = { kind: "run"; job: number; work: SyntheticWork };

/** Worker → primary. */
export type FromWorker = { kind: "ready" } | { kind: "done"; job: number; done: WorkDone } | { kind: "failed"; job: number; error: string };
