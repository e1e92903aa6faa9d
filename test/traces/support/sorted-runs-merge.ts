/**
 * The array merge the 2019 reader used before it streamed a minute's arrivals
 * (`MinuteArrivalMerge`); kept as the reference the streamed merge must match exactly.
 *
 * Merges sorted runs held back to back in `values` (run r is values[starts[r] … starts[r+1]))
 * into one ascending order, ties going to the lower run, so the order is fully determined.
 * Writes the merged positions to `order` and their runs to `runOf`. A binary heap over run
 * heads: O(n log runs), no comparator sort and no per-element objects.
 */
export function mergeSortedRuns(values: Float64Array, starts: Int32Array, runs: number, order: Int32Array, runOf: Int32Array): void {
  const cursor = starts.slice(0, runs);
  const heap = new Int32Array(runs);
  let size = 0;
  const less = (a: number, b: number): boolean => {
    const va = values[cursor[a]!]!;
    const vb = values[cursor[b]!]!;
    return va < vb || (va === vb && a < b);
  };
  const siftDown = (i: number): void => {
    for (;;) {
      const l = 2 * i + 1;
      if (l >= size) return;
      const r = l + 1;
      const c = r < size && less(heap[r]!, heap[l]!) ? r : l;
      if (!less(heap[c]!, heap[i]!)) return;
      const t = heap[c]!;
      heap[c] = heap[i]!;
      heap[i] = t;
      i = c;
    }
  };
  for (let r = 0; r < runs; r++) if (starts[r + 1]! > starts[r]!) heap[size++] = r;
  for (let i = (size >> 1) - 1; i >= 0; i--) siftDown(i);
  let out = 0;
  while (size > 0) {
    const r = heap[0]!;
    order[out] = cursor[r]!;
    runOf[out] = r;
    out++;
    cursor[r]!++;
    if (cursor[r]! === starts[r + 1]!) heap[0] = heap[--size]!;
    siftDown(0);
  }
}
