import { describe, expect, it } from "vitest";
import { edfDeadline, edfPreempts } from "../../../adapters/scheduling/edf-deadline.ts";

describe("EDF deadlines (arrival + work × maxPrice / price)", () => {
  it.each([
    { arrival: 100, work: 10, price: 8, maxPrice: 8, deadline: 110 },
    { arrival: 100, work: 10, price: 2, maxPrice: 8, deadline: 140 },
    { arrival: 0, work: 3, price: 1, maxPrice: 4, deadline: 12 },
    { arrival: 50, work: 0, price: 1, maxPrice: 4, deadline: 50 },
  ])("arrival $arrival, work $work at price $price of $maxPrice → $deadline", ({ arrival, work, price, maxPrice, deadline }) => {
    expect(edfDeadline(arrival, work, price, maxPrice)).toBe(deadline);
  });

  it.each([
    { newcomer: 5, latest: 6, preempts: true },
    { newcomer: 6, latest: 6, preempts: false },
    { newcomer: 7, latest: 6, preempts: false },
  ])("a newcomer due at $newcomer preempts the latest running (due $latest): $preempts", ({ newcomer, latest, preempts }) => {
    expect(edfPreempts(newcomer, latest)).toBe(preempts);
  });
});
