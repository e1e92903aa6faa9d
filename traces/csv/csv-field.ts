import { TraceFormatError } from "../trace-format-error.ts";
import type { CsvRow } from "./csv-rows.ts";

/**
 * Typed access to the fields of one CSV row, failing with the field's file:line:column. The
 * column is the character position of the field (1-based), computed only when a field fails.
 */
export class CsvFields {
  constructor(
    readonly file: string,
    readonly row: CsvRow,
  ) {}

  get cells(): readonly string[] {
    return this.row.cells;
  }

  /** Throws unless the row has exactly `count` fields. */
  expectFieldCount(count: number, what: string): void {
    const n = this.row.cells.length;
    if (n !== count) {
      const at = n > count ? count : n;
      throw this.error(at, `${count} fields (${what}), found ${n}`);
    }
  }

  text(index: number, what: string): string {
    const cell = this.cell(index);
    if (cell === "") throw this.error(index, what, cell);
    return cell;
  }

  /**
   * A non-empty cell copied out of the parser's buffer. papaparse's cells are V8 slices of the
   * chunk they were read from, so a cell kept for the whole run (an id in a map or a profile)
   * would pin its entire chunk: keeping 46 k function ids pinned the whole 137 MB day file.
   */
  ownedText(index: number, what: string): string {
    return Buffer.from(this.text(index, what), "utf8").toString("utf8");
  }

  /** A non-negative integer such as an invocation count. */
  count(index: number, what: string): number {
    const cell = this.cell(index);
    // A regex rather than Number(): Number("") is 0 and Number("1e3") is 1000.
    // Counts are stored as uint32: a minute with 4 billion invocations is corrupt anyway.
    if (!/^\d{1,10}$/.test(cell) || Number(cell) > 0xffffffff) throw this.error(index, what, cell);
    return Number(cell);
  }

  /** A finite number ≥ 0 (durations, memory, timestamps). */
  nonNegative(index: number, what: string): number {
    const cell = this.cell(index);
    const v = parseNumber(cell);
    if (!(v >= 0) || !Number.isFinite(v)) throw this.error(index, what, cell);
    return v;
  }

  /** A number ≥ 0, or undefined for an empty or NaN cell (Azure left some min/max unrecorded). */
  optionalNonNegative(index: number, what: string): number | undefined {
    const cell = this.cell(index);
    if (cell === "" || cell === "NaN" || cell === "nan") return undefined;
    return this.nonNegative(index, what);
  }

  error(index: number, expected: string, found?: string): TraceFormatError {
    return new TraceFormatError(this.file, this.row.line, this.columnOf(index), expected, found);
  }

  /**
   * The cell at a column the reader's header lookup gave. Per cell of every row: readers call
   * expectFieldCount first, so the index is in range and `!` is kept rather than checked.
   */
  private cell(index: number): string {
    return this.row.cells[index]!;
  }

  private columnOf(index: number): number {
    let column = 1;
    for (const cell of this.row.cells.slice(0, index)) column += cell.length + 1;
    return column;
  }
}

/** Strict decimal parsing: parseFloat("12abc") is 12, which would hide a corrupt cell. */
function parseNumber(cell: string): number {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(cell)) return Number.NaN;
  return Number(cell);
}
