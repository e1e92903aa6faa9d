/**
 * How an invocation's work is executed in its function process. `cpu`: computed until the
 * process's CPU clock has advanced by workMs (the reference server's synthetic work). `timed`:
 * the process holds its memory and the agent ends the work once workMs of time has passed while
 * the process was not stopped; a stopped process accrues none. `timed` is emulation: it lets a
 * small box host more emulated cores than it has, since a waiting-to-be-told process burns none.
 */
export const liveWorkModes = ["timed", "cpu"] as const;
export type LiveWorkMode = (typeof liveWorkModes)[number];

/**
 * A user function instead of synthetic work: an ES module exporting `handler(payload, context)`
 * (or a default export), called with the invocation's JSON `payload` and `{ workMs, memMb }`;
 * what it returns (JSON) is the invocation's result. Its work is whatever it does, so `mode` is
 * ignored and the agent's clock does not end it.
 */
export type FunctionHandler = (payload: unknown, context: { workMs: number; memMb: number }) => unknown;

/** Agent → function process. */
export type ToFunction =
  | { kind: "run"; job: number; mode: LiveWorkMode; workMs: number; memMb: number; payload?: unknown }
  /** `timed` only: the agent's clock says the work is done; release memory and answer `done`. */
  | { kind: "finish"; job: number }
  /** Read one byte of every held page, so memory swapped out comes back in now; answer `touched`. */
  | { kind: "touch" };

/** Function process → agent. */
export type FromFunction =
  | { kind: "ready" }
  | { kind: "done"; job: number; cpuMs: number; memMb: number; result?: unknown }
  | { kind: "failed"; job: number; error: string }
  | { kind: "touched" };
