import { TraceFormatError } from "./trace-format-error.ts";

/** What a reader does with a malformed row: stop with its location, or skip it and count it. */
export type BadRowPolicy = "stop" | "skip";
export const badRowPolicies: readonly BadRowPolicy[] = ["stop", "skip"];

/** How many example messages a skip log keeps, so a broken file cannot fill the manifest. */
const keptExamples = 20;

/** The skipped rows of one read, as the run manifest stores them. */
export interface SkippedRows {
  readonly policy: BadRowPolicy;
  /** Skipped rows per file (file name as given to the reader). */
  readonly perFile: Record<string, number>;
  total: number;
  /** The first few skip messages, each `file:line:column: expected …`. */
  readonly examples: string[];
}

/**
 * Applies the bad-row policy: under "stop" a rejected row throws its `TraceFormatError`; under
 * "skip" it is counted in `skipped`, which the trace's spec references, so the manifest sees
 * the counts once the read has finished.
 */
export class BadRowLog {
  readonly skipped: SkippedRows;

  constructor(readonly policy: BadRowPolicy) {
    this.skipped = { policy, perFile: {}, total: 0, examples: [] };
  }

  reject(error: TraceFormatError): void {
    if (this.policy === "stop") throw error;
    const perFile = this.skipped.perFile;
    // Own keys only: a file named "constructor" is counted from 0 like any other.
    const before = Object.hasOwn(perFile, error.file) ? perFile[error.file] : undefined;
    perFile[error.file] = (before ?? 0) + 1;
    this.skipped.total++;
    if (this.skipped.examples.length < keptExamples) this.skipped.examples.push(error.message);
  }

  /** Forgets the counts, for readers that read a file again and must not count a row twice. */
  reset(): void {
    for (const file of Object.keys(this.skipped.perFile)) delete this.skipped.perFile[file];
    this.skipped.total = 0;
    this.skipped.examples.length = 0;
  }
}
