/**
 * The row-writer thread: appends one run's outcome rows, samples and new functions to the store
 * on the second core while the replay thread keeps simulating. For the run's duration the replay
 * thread closes its own DuckDB instance and this thread opens the file: two instances on one
 * file in one process would not lock each other out (DuckDB's lock is per process) and could
 * corrupt it, and an instance cannot be shared between threads from JS. So rows are written
 * once, straight into `invocation_rows`.
 *
 * Protocol: the parent sends `{ kind: "block" }` when a shared block is full; this thread appends
 * it, marks it free in the shared state array and wakes the parent, which may be waiting for a
 * free block (bounded memory: the simulator waits rather than buffering without limit). On any
 * failure it closes the file, sets the shared failed flag (so a waiting parent stops waiting)
 * and reports the message.
 *
 * The thread loads this file through tsx's require hook (see run-writer.ts), as CommonJS: no
 * top-level await here, and what it imports must load under require too.
 */
import { parentPort, workerData } from "node:worker_threads";
// The bindings alone, not @duckdb/node-api: this thread starts once per run, and loading the
// higher-level client's modules took about a third of its start-up (≈ 0.5 s → 0.3 s, loaded machine).
import duckdb from "@duckdb/node-bindings";
import { blockColumns, columnBytes, errorColumnAfter, vectorRows, type BlockBuffers } from "./outcome-block.ts";
import type { FromRowWriter, FunctionRow, RowWriterInit, SampleRow, ToRowWriter } from "./row-writer-protocol.ts";

const init = workerData as RowWriterInit;
if (parentPort === null) throw new Error("row-writer-thread.ts runs only as a worker thread (it has no parent port)");
const port = parentPort;
const state = new Int32Array(init.state);
const failedSlot = init.blocks.length;
/** invocation_rows as the writer lays it out: run_id, then the block's columns with error among them. */
const expectedColumns = ["run_id", ...blockColumns.flatMap((c, i) => (i === errorColumnAfter ? [c.name, "error"] : [c.name]))];
/** The chunk vector of block column c: after run_id, and after error once past it. */
const vectorOf = (c: number): number => c + 1 + (c > errorColumnAfter ? 1 : 0);
/** Column types after run_id (d: DOUBLE, i: INTEGER, s: SMALLINT), as in schema.ts. */
const machineSampleTypes = "diiiddd";
const classSampleTypes = "disidddiii";
/**
 * DuckDB's row group size. The appender is flushed at each whole row group: a whole group goes
 * straight to disk compressed, as the appender's own flushes do, so it costs no more CPU, and the
 * close then flushes only the run's last partial group rather than up to ~200,000 buffered rows
 * (≈ 0.12 s of the replay's wall time after the simulator has finished, 1 M rows).
 */
const rowGroupRows = 122_880;
/** DuckDB threads for the run's billing query, once the replay thread has nothing left to do. */
const billingThreads = 2;

let database: duckdb.Database | null = null;
let connection: duckdb.Connection | null = null;
const appenders: duckdb.Appender[] = [];

function send(message: FromRowWriter): void {
  port.postMessage(message);
}

/** Releases the store file so the replay thread can reopen it; safe after a partial start. */
function release(): void {
  for (const a of appenders.splice(0)) {
    try {
      duckdb.appender_close_sync(a);
    } catch {
      // The appender's rows are lost with the failure being reported; the file stays consistent.
    }
  }
  if (connection !== null) duckdb.disconnect_sync(connection);
  if (database !== null) duckdb.close_sync(database);
  connection = null;
  database = null;
}

function fail(error: unknown): void {
  try {
    release();
  } catch {
    // Reported below; the replay thread's reopen will say if the file is still held.
  }
  // The first line only: DuckDB appends context lines the replay's one-line failure has no room for.
  const message = (error instanceof Error ? error.message : String(error)).replace(/\n[\s\S]*/, "");
  const text = new TextEncoder().encode(message).slice(0, init.failure.byteLength - 4);
  new Uint8Array(init.failure).set(text, 4);
  new Int32Array(init.failure, 0, 1)[0] = text.length;
  Atomics.store(state, failedSlot, 1);
  Atomics.notify(state, failedSlot);
  for (let b = 0; b < failedSlot; b++) Atomics.notify(state, b);
  send({ kind: "failed", message });
  port.close();
}

async function start(): Promise<void> {
  const config = duckdb.create_config();
  for (const [name, value] of Object.entries(init.options)) duckdb.set_config(config, name, value);
  database = await duckdb.open(init.storePath, config);
  const opened = await duckdb.connect(database);
  connection = opened;
  // Refuse a table laid out differently (a newer schema, a hand-added column) rather than put
  // values in the wrong columns; DuckDB's error() makes the query itself fail with the reason.
  await duckdb.query(
    opened,
    `SELECT CASE WHEN string_agg(column_name, ', ' ORDER BY column_index) IS DISTINCT FROM '${expectedColumns.join(", ")}'
                 THEN error('invocation_rows has columns ' || string_agg(column_name, ', ' ORDER BY column_index) || '; this writer lays out ${expectedColumns.join(", ")}') END
     FROM duckdb_columns() WHERE database_name = current_database() AND table_name = 'invocation_rows'`,
  );
  const open = (table: string): duckdb.Appender => {
    const appender = duckdb.appender_create_ext(opened, null, null, table);
    appenders.push(appender);
    return appender;
  };
  const rows = open("invocation_rows");
  const machineSamples = open("machine_samples");
  const classSamples = open("class_samples");
  const functions = open("functions");

  const types = Array.from({ length: duckdb.appender_column_count(rows) }, (_, c) => duckdb.appender_column_type(rows, c));
  const raw = duckdb.create_data_chunk(types);
  // The bindings copy from ArrayBuffers, not shared ones: slices go through one scratch buffer.
  const scratch = new Uint8Array(vectorRows * 8);
  const runIds = new Int32Array(vectorRows).fill(init.runId);
  const errorValidity = new Uint8Array(vectorRows / 8);
  const errorColumn = errorColumnAfter + 2;
  let appended = 0;
  let unflushed = 0;

  const appendBlock = (block: BlockBuffers, count: number, errors: readonly (readonly [number, string])[]): void => {
    for (let offset = 0; offset < count; offset += vectorRows) {
      const n = Math.min(vectorRows, count - offset);
      duckdb.data_chunk_reset(raw);
      duckdb.copy_data_to_vector(duckdb.data_chunk_get_vector(raw, 0), 0, runIds.buffer, 0, n * 4);
      for (let c = 0; c < blockColumns.length; c++) {
        const vector = duckdb.data_chunk_get_vector(raw, vectorOf(c));
        const bytes = columnBytes(c);
        const data = block.data[c];
        if (data === undefined) throw new Error(`outcome block has ${block.data.length} data columns, fewer than the ${blockColumns.length} of invocation_rows`);
        scratch.set(new Uint8Array(data, offset * bytes, n * bytes));
        duckdb.copy_data_to_vector(vector, 0, scratch.buffer, 0, n * bytes);
        const validity = block.validity[c];
        if (validity) {
          const validityBytes = Math.ceil(n / 8);
          scratch.set(new Uint8Array(validity, offset / 8, validityBytes));
          duckdb.vector_ensure_validity_writable(vector);
          duckdb.copy_data_to_vector_validity(vector, 0, scratch.buffer, 0, validityBytes);
        }
      }
      const errorVector = duckdb.data_chunk_get_vector(raw, errorColumn);
      errorValidity.fill(0);
      for (const [row, message] of errors) {
        if (row < offset || row >= offset + n) continue;
        // In range: the row is one of this vector's n ≤ vectorRows, and errorValidity has a bit for each.
        const byte = (row - offset) >> 3;
        errorValidity[byte] = (errorValidity[byte] ?? 0) | (1 << ((row - offset) & 7));
        duckdb.vector_assign_string_element(errorVector, row - offset, message);
      }
      duckdb.vector_ensure_validity_writable(errorVector);
      duckdb.copy_data_to_vector_validity(errorVector, 0, errorValidity.buffer, 0, Math.ceil(n / 8));
      duckdb.data_chunk_set_size(raw, n);
      duckdb.append_data_chunk(rows, raw);
      unflushed += n;
      if (unflushed >= rowGroupRows) {
        duckdb.appender_flush_sync(rows);
        unflushed = 0;
      }
    }
    appended += count;
  };

  const appendSamples = (target: duckdb.Appender, sampleRows: readonly SampleRow[], columnTypes: string): void => {
    for (const row of sampleRows) {
      duckdb.append_int32(target, init.runId);
      row.forEach((value, c) => {
        if (value === null) duckdb.append_null(target);
        else if (columnTypes[c] === "d") duckdb.append_double(target, value);
        else if (columnTypes[c] === "s") duckdb.append_int16(target, value);
        else duckdb.append_int32(target, value);
      });
      duckdb.appender_end_row(target);
    }
  };

  const finish = async (newFunctions: readonly FunctionRow[], statements: readonly string[]): Promise<void> => {
    for (const [id, tenant, app, fn] of newFunctions) {
      duckdb.append_int32(functions, id);
      duckdb.append_varchar(functions, tenant);
      duckdb.append_varchar(functions, app);
      duckdb.append_varchar(functions, fn);
      duckdb.appender_end_row(functions);
    }
    for (const a of appenders.splice(0)) duckdb.appender_close_sync(a);
    // The rows just appended are still in this instance's buffers: billing them here reads
    // memory, where the replay thread's reopened store would read them back from disk.
    // The replay thread only waits for it now, so the query gets its core too (one thread was for
    // appending beside the simulator; billing 1 M rows takes ~0.2 s of CPU).
    if (statements.length > 0) await duckdb.query(opened, `SET threads = ${billingThreads}`);
    for (const sql of statements) await duckdb.query(opened, sql);
    release();
    send({ kind: "closed", rows: appended });
    port.close();
  };

  port.on("message", (message: ToRowWriter) => {
    if (Atomics.load(state, failedSlot) === 1) return;
    try {
      if (message.kind === "block") {
        const block = init.blocks[message.index];
        if (block === undefined) throw new Error(`the replay sent block ${message.index}, but the writer has ${init.blocks.length} blocks`);
        appendBlock(block, message.rows, message.errors);
        Atomics.store(state, message.index, 0);
        Atomics.notify(state, message.index);
      } else if (message.kind === "samples") {
        appendSamples(machineSamples, message.machine, machineSampleTypes);
        appendSamples(classSamples, message.classes, classSampleTypes);
      } else {
        finish(message.functions, message.statements).catch(fail);
      }
    } catch (error) {
      fail(error);
    }
  });
  send({ kind: "ready" });
}

start().catch(fail);
