/** One progress observation: how far a run is, in invocations and (when known) as a fraction. */
export interface ProgressEvent {
  readonly runLabel: string;
  readonly invocations: number;
  readonly fraction: number | undefined;
  readonly elapsedMs: number;
  readonly done: boolean;
}

export type ProgressListener = (event: ProgressEvent) => void;

/**
 * Writes a progress line to stderr: rate and ETA, redrawn in place on a terminal, a plain line
 * every few seconds otherwise (CI logs). Silent for work that ends within the first two seconds.
 */
export function stderrProgress(stream: NodeJS.WriteStream = process.stderr): ProgressListener {
  const tty = stream.isTTY === true;
  let lastPrint = 0;
  return (e) => {
    if (e.elapsedMs < 2000) return;
    if (!e.done && e.elapsedMs - lastPrint < (tty ? 200 : 5000)) return;
    lastPrint = e.elapsedMs;
    const rate = e.invocations / (e.elapsedMs / 1000);
    let line = `${e.runLabel}: ${formatCount(e.invocations)} invocations, ${formatCount(rate)}/s`;
    if (e.fraction !== undefined && e.fraction > 0 && !e.done) {
      const eta = (e.elapsedMs / e.fraction - e.elapsedMs) / 1000;
      line += `, ${(100 * e.fraction).toFixed(0)}%, ETA ${eta.toFixed(0)} s`;
    }
    if (e.done) line += `, done in ${(e.elapsedMs / 1000).toFixed(1)} s`;
    if (tty) stream.write(`\r\x1b[K${line}${e.done ? "\n" : ""}`);
    else stream.write(`${line}\n`);
  };
}

export function formatCount(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} k`;
  return n.toFixed(0);
}
