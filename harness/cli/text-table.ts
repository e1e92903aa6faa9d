/** Renders rows as an aligned plain-text table: numbers right-aligned, text left-aligned. */
export function textTable(headers: readonly string[], rows: readonly (readonly (string | number | null)[])[]): string {
  const numeric = headers.map((_, c) => rows.length > 0 && rows.every((row) => typeof row[c] === "number" || row[c] === null));
  const integral = headers.map((_, c) => rows.every((row) => row[c] === null || Number.isInteger(row[c])));
  const cells = rows.map((row) =>
    row.map((v, c) => (v === null ? "–" : typeof v === "number" ? (integral[c] ? String(v) : formatNumber(v)) : v)),
  );
  const widths = headers.map((h, c) => Math.max(h.length, ...cells.map((row) => cellAt(row, c).length)));
  const line = (values: readonly string[]): string =>
    widths.map((w, c) => (numeric[c] ? cellAt(values, c).padStart(w) : cellAt(values, c).padEnd(w))).join("  ").trimEnd();
  return [line(headers), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n");
}

/** A row shorter than the headers is a bug in the caller: fail naming it rather than print a ragged table. */
function cellAt(row: readonly string[], column: number): string {
  const cell = row[column];
  if (cell === undefined) throw new Error(`a text-table row has ${row.length} cells, fewer than the ${column + 1} columns it is printed under`);
  return cell;
}

/** Three significant digits, no exponent for the ranges latencies live in. */
export function formatNumber(v: number): string {
  const abs = Math.abs(v);
  if (abs >= 1000) return v.toFixed(0);
  if (abs >= 100) return v.toFixed(1);
  if (abs >= 10) return v.toFixed(2);
  return v.toFixed(3);
}
