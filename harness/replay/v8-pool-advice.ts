/** Node starts this many V8 helper threads unless told otherwise (`--v8-pool-size`). */
export const nodeDefaultV8Pool = 4;

/** From this peak rate up, a wall-clock replay's lateness is measured in the driver's GC pauses. */
export const fastReplayPerS = 5000;

/**
 * The hint to print before a wall-clock replay, or undefined when none is needed: at
 * `fastReplayPerS` and more, on a machine where Node's 4 V8 helper threads outnumber the cores
 * the sending thread leaves free, and with no `--v8-pool-size` given (on the command line or in
 * NODE_OPTIONS). There the parallel scavenger hands work to helpers that then wait for a CPU: at
 * 20,000/s on two cores the driver's pauses doubled in about half the processes and p99 lateness
 * went from 0.2–0.6 ms to 0.5–1.7 ms (README, "fast replays").
 */
export function v8PoolAdvice(peakPerS: number, cores: number, execArgv: readonly string[], nodeOptions: string | undefined): string | undefined {
  if (peakPerS < fastReplayPerS) return undefined;
  const spare = Math.max(1, cores - 1);
  if (nodeDefaultV8Pool <= spare) return undefined;
  const given = [...execArgv, ...(nodeOptions ?? "").split(/\s+/)].some((a) => a.startsWith("--v8-pool-size"));
  if (given) return undefined;
  return (
    `hint: ${Math.round(peakPerS).toLocaleString("en-US")} sends/s on ${cores} core${cores === 1 ? "" : "s"}: ` +
    `NODE_OPTIONS=--v8-pool-size=${spare} keeps the sender's GC pauses short (Node starts ${nodeDefaultV8Pool} V8 helper threads, more than the ${spare} spare core${spare === 1 ? "" : "s"})`
  );
}
