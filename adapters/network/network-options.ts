/** The knobs every network backend's open-loop driver takes, in the units of their flags. */
export interface NetworkOptions {
  /** `--max-in-flight`: requests awaiting an answer at once; one more is recorded `dropped`, never queued. */
  readonly maxInFlight: number;
  /** `--timeout-ms`: how long a sent request may take before it is given up as `timeout`. */
  readonly timeoutMs: number;
  /** `--drain-s`: after Ctrl-C, how long to wait for the answers still in flight before giving them up. */
  readonly drainS: number;
}

/**
 * 1,000 in flight is well past what one loopback target answers at once on this machine (the
 * reference server queues the rest and says 429), so drops mean the target stalled, not that the
 * bound was tight. 30 s is API Gateway's integration limit: a function answering later than
 * that would time out in production too. 5 s of drain keeps Ctrl-C responsive.
 */
export const defaultNetworkOptions: NetworkOptions = { maxInFlight: 1000, timeoutMs: 30_000, drainS: 5 };

/** What the user gave, any field missing; each present value is checked. */
export type GivenNetworkOptions = Partial<Record<keyof NetworkOptions, number>>;

/**
 * The options with defaults filled in, or every problem as one line per option in flag units
 * (the CLI joins them into one UsageError).
 */
export function resolveNetworkOptions(given: GivenNetworkOptions): { options: NetworkOptions; errors: string[] } {
  const options = { ...defaultNetworkOptions, ...definedOnly(given) };
  const errors: string[] = [];
  if (!Number.isInteger(options.maxInFlight) || options.maxInFlight < 1 || options.maxInFlight > 100_000) {
    errors.push(`--max-in-flight must be a whole number from 1 to 100000 (got ${options.maxInFlight})`);
  }
  if (!Number.isFinite(options.timeoutMs) || options.timeoutMs <= 0 || options.timeoutMs > 3_600_000) {
    errors.push(`--timeout-ms must be more than 0 and at most 3600000 ms (got ${options.timeoutMs})`);
  }
  if (!Number.isFinite(options.drainS) || options.drainS < 0 || options.drainS > 3600) {
    errors.push(`--drain-s must be from 0 to 3600 seconds (got ${options.drainS})`);
  }
  return { options, errors };
}

function definedOnly(given: GivenNetworkOptions): GivenNetworkOptions {
  return Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
}
