/**
 * The ideal baseline's deadline (seed 001 §4.2): deadline = arrival + work × maxPrice / price,
 * so the top class's deadline is its own run time and cheaper classes get proportionally more slack.
 */
export function edfDeadline(arrivalMs: number, workMs: number, price: number, maxPrice: number): number {
  return arrivalMs + (workMs * maxPrice) / price;
}

/** Preemptive EDF: the newcomer displaces the running function with the latest deadline if its own is earlier. */
export function edfPreempts(newDeadline: number, latestRunningDeadline: number): boolean {
  return newDeadline < latestRunningDeadline;
}
