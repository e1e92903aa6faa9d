import type { CsvFields } from "./csv-field.ts";

/**
 * Finds named columns in a header row, so files are read by name rather than position (the
 * In-Vitro memory files move HashFunction to the front). Fails on the header's first line.
 */
export function columnIndices<const N extends string>(
  header: CsvFields,
  required: readonly N[],
  fileKind: string,
): Record<N, number> {
  const cells = header.cells;
  const out = {} as Record<N, number>;
  for (const name of required) {
    const i = cells.indexOf(name);
    if (i < 0) throw header.error(0, `a ${fileKind} header with a "${name}" column`, cells.slice(0, 4).join(","));
    out[name] = i;
  }
  return out;
}
