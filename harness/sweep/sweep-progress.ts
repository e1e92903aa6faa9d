import type { SweepCell } from "./sweep-grid.ts";

/** Where a sweep stands: what the progress line shows. */
export interface SweepProgress {
  readonly name: string;
  readonly total: number;
  readonly done: number;
  readonly failed: number;
  readonly running: readonly { readonly cell: SweepCell; readonly fraction: number | null }[];
  readonly elapsedMs: number;
}

/**
 * Seconds left, from the work finished so far: finished cells count whole, running ones by
 * their fraction. Null until there is something to extrapolate from.
 */
export function sweepEtaSeconds(p: SweepProgress): number | null {
  const finished = p.done + p.failed + p.running.reduce((s, r) => s + (r.fraction ?? 0), 0);
  if (finished <= 0 || p.elapsedMs < 500) return null;
  return ((p.total - finished) * p.elapsedMs) / finished / 1000;
}

export function formatSweepProgress(p: SweepProgress): string {
  const eta = sweepEtaSeconds(p);
  const running = p.running.map((r) => `${r.cell.backend} ${r.cell.label}${r.fraction !== null ? ` ${(100 * r.fraction).toFixed(0)}%` : ""}`);
  return [
    `sweep "${p.name}": ${p.done}/${p.total} runs done`,
    ...(p.failed > 0 ? [`${p.failed} failed`] : []),
    ...(running.length > 0 ? [`running ${running.join(", ")}`] : []),
    ...(eta !== null && p.done + p.failed < p.total ? [`ETA ${formatDuration(eta)}`] : []),
    `${formatDuration(p.elapsedMs / 1000)} elapsed`,
  ].join(", ");
}

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const m = Math.floor(seconds / 60);
  return `${m} min ${Math.round(seconds - 60 * m)} s`;
}

/** A terminal gets one line redrawn in place; a log gets a line every few seconds and on each finished run. */
export function stderrSweepProgress(stream: NodeJS.WriteStream = process.stderr): (p: SweepProgress, finished: boolean) => void {
  const tty = stream.isTTY === true;
  let last = -Infinity;
  return (p, finished) => {
    if (!finished && p.elapsedMs - last < (tty ? 250 : 5000)) return;
    last = p.elapsedMs;
    const line = formatSweepProgress(p);
    if (tty) stream.write(`\r\x1b[K${line}${p.done + p.failed === p.total ? "\n" : ""}`);
    else stream.write(`${line}\n`);
  };
}
