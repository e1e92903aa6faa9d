/**
 * A block of outcome rows as typed columns in shared memory: the replay thread fills one while
 * the row-writer thread appends another to DuckDB, so neither copies values one by one through
 * JS objects. The layout (one buffer per column, little-endian, DuckDB's own physical types and
 * validity bitmask layout) lets the writer thread hand each 2,048-row slice to a DataChunk vector
 * with one memcpy.
 */

/** Rows in one block: a whole number of DuckDB vectors (2,048 rows each). */
export const blockRows = 16_384;
/** DuckDB's vector size: rows per DataChunk. */
export const vectorRows = 2048;

/** Physical storage (DuckDB's: BIGINT, INTEGER, SMALLINT, the ENUM's UTINYINT index, DOUBLE) and its bytes per row. */
type ColumnKind = "i64" | "i32" | "i16" | "u8" | "f64";
const kindBytes: Record<ColumnKind, number> = { i64: 8, i32: 4, i16: 2, u8: 1, f64: 8 };

interface ColumnSpec {
  readonly name: string;
  readonly kind: ColumnKind;
  readonly nullable: boolean;
}

/**
 * invocation_rows' columns after run_id, in the table's order (the writer thread checks it),
 * except `error`: a rare string, it travels beside the block, and sits after `cpu_ms` in the table.
 * `status` holds the index into `outcomeStatuses`, which is the ENUM's physical value.
 */
export const blockColumns: readonly ColumnSpec[] = [
  { name: "invocation_id", kind: "i64", nullable: false },
  { name: "function_id", kind: "i32", nullable: false },
  { name: "price_class", kind: "i16", nullable: false },
  { name: "ran_class", kind: "i16", nullable: true },
  { name: "work_ms", kind: "f64", nullable: false },
  { name: "mem_start_mb", kind: "f64", nullable: false },
  { name: "mem_peak_mb", kind: "f64", nullable: false },
  { name: "parent_id", kind: "i64", nullable: true },
  { name: "status", kind: "u8", nullable: false },
  { name: "arrival_ms", kind: "f64", nullable: false },
  { name: "placed_ms", kind: "f64", nullable: true },
  { name: "start_ms", kind: "f64", nullable: true },
  { name: "end_ms", kind: "f64", nullable: true },
  { name: "machine", kind: "i32", nullable: true },
  { name: "preemptions", kind: "i32", nullable: false },
  { name: "swapped_out_mb", kind: "f64", nullable: false },
  { name: "swap_outs", kind: "i32", nullable: false },
  { name: "cost_micro_cents", kind: "f64", nullable: false },
  { name: "cpu_ms", kind: "f64", nullable: true },
  { name: "sent_ms", kind: "f64", nullable: true },
  { name: "http_status", kind: "i16", nullable: true },
  { name: "server_queue_ms", kind: "f64", nullable: true },
  { name: "server_exec_ms", kind: "f64", nullable: true },
  { name: "init_ms", kind: "f64", nullable: true },
  { name: "billed_ms", kind: "f64", nullable: true },
  { name: "memory_size_mb", kind: "f64", nullable: true },
  { name: "max_memory_used_mb", kind: "f64", nullable: true },
  { name: "retries", kind: "i16", nullable: true },
  { name: "freshen_saved_ms", kind: "f64", nullable: true },
  { name: "shard_queue_ms", kind: "f64", nullable: true },
  { name: "machine_queue_ms", kind: "f64", nullable: true },
  { name: "cold_start_ms", kind: "f64", nullable: true },
  { name: "preempted_ms", kind: "f64", nullable: true },
  { name: "swap_in_ms", kind: "f64", nullable: true },
];

/** `error` sits in the table between the block's columns at this index and the next. */
export const errorColumnAfter = blockColumns.findIndex((c) => c.name === "cpu_ms");

/** The buffers of one block: shared so that both threads see them without a copy. */
export interface BlockBuffers {
  /** Per column in `blockColumns` order. */
  readonly data: readonly SharedArrayBuffer[];
  /** Per column: a validity bitmask (bit set = value present), or null for NOT NULL columns. */
  readonly validity: readonly (SharedArrayBuffer | null)[];
}

export function allocateBlock(): BlockBuffers {
  return {
    data: blockColumns.map((c) => new SharedArrayBuffer(blockRows * kindBytes[c.kind])),
    validity: blockColumns.map((c) => (c.nullable ? new SharedArrayBuffer(blockRows / 8) : null)),
  };
}

export function columnBytes(column: number): number {
  return kindBytes[blockColumns[column]!.kind];
}
