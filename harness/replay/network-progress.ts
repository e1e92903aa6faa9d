import type { NetworkProgress, NetworkProgressListener } from "../../adapters/network/open-loop-driver.ts";
import { formatCount } from "./progress.ts";
import type { SendPlan } from "./send-plan.ts";

/** The progress line of a network run, as words: what was sent, how late, and when it ends. */
export function formatNetworkProgress(label: string, p: NetworkProgress, elapsedMs: number, plan: SendPlan | undefined): string {
  let line =
    `${label}: sent ${formatCount(p.sent)} (${formatCount(p.sentPerS)}/s), in flight ${formatCount(p.inFlight)}, ` +
    `completed ${formatCount(p.completed)}, errors ${formatCount(p.errors)}, dropped ${formatCount(p.dropped)}, p99 lateness ${p.latenessP99Ms.toFixed(2)} ms`;
  if (plan !== undefined && plan.invocations > 0) {
    // The sends follow the trace's clock, so the time left is the plan's, not a rate's guess.
    const leftS = Math.max(0, (plan.lastSendMs - elapsedMs) / 1000);
    line += `, ${((100 * (p.sent + p.dropped)) / plan.invocations).toFixed(0)}%, ETA ${leftS.toFixed(0)} s`;
  }
  return line;
}

/**
 * Writes a network run's progress to stderr: redrawn in place on a terminal, a plain line every
 * five seconds otherwise (CI logs). The driver calls `listener` a few times a second; `finish`
 * ends a redrawn line.
 */
export function stderrNetworkProgress(
  label: string,
  plan: () => SendPlan | undefined,
  stream: NodeJS.WriteStream = process.stderr,
): { listener: NetworkProgressListener; finish: () => void } {
  const tty = stream.isTTY === true;
  let started: number | undefined;
  let lastPrint = -Infinity;
  let drawn = false;
  const listener: NetworkProgressListener = (p) => {
    const now = performance.now();
    started ??= now;
    if (now - lastPrint < (tty ? 250 : 5000)) return;
    lastPrint = now;
    const line = formatNetworkProgress(label, p, now - started, plan());
    if (tty) stream.write(`\r\x1b[K${line}`);
    else stream.write(`${line}\n`);
    drawn = tty;
  };
  const finish = (): void => {
    if (drawn) stream.write("\n");
    drawn = false;
  };
  return { listener, finish };
}
