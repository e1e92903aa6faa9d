/**
 * Bounded retries of throttled or 5xx invocations. Off by default (`maxRetries` 0): a retry
 * changes the load the trace asked for, so it must be asked for, and every retry is counted in
 * the row's `retries`. The SDK's own retries are always off (`maxAttempts: 1`).
 */
export interface RetryPolicy {
  readonly maxRetries: number;
  /** The first wait; each further one doubles, up to `maxDelayMs`. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const noRetries: RetryPolicy = { maxRetries: 0, baseDelayMs: 100, maxDelayMs: 5_000 };

/**
 * The wait before retry `retry` (1 for the first), ms. Exponential without jitter: the trace's
 * arrivals already spread the retries, and a wait drawn at random would need a seeded stream the
 * invoker does not otherwise have.
 */
export function retryDelayMs(policy: RetryPolicy, retry: number): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
}
