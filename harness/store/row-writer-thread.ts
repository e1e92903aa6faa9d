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
 */
import { parentPort, workerData } from "node:worker_threads";
import duckdb from "@duckdb/node-bindings";
import { DuckDBDataChunk, DuckDBInstance, type DuckDBAppender, type DuckDBConnection } from "@duckdb/node-api";
import { blockColumns, columnBytes, vectorRows, type BlockBuffers } from "./outcome-block.ts";
import type { FromRowWriter, FunctionRow, RowWriterInit, SampleRow, ToRowWriter } from "./row-writer-protocol.ts";

const init = workerData as RowWriterInit;
const port = parentPort!;
const state = new Int32Array(init.state);
const failedSlot = init.blocks.length;
/** invocation_rows as the writer lays it out: run_id, the block's columns, error. */
const expectedColumns = ["run_id", ...blockColumns.map((c) => c.name), "error"];
/** Column types after run_id (d: DOUBLE, i: INTEGER, s: SMALLINT), as in schema.ts. */
const machineSampleTypes = "diiiddd";
const classSampleTypes = "disidddiii";

let instance: DuckDBInstance | null = null;
let connection: DuckDBConnection | null = null;
const appenders: DuckDBAppender[] = [];

function send(message: FromRowWriter): void {
  port.postMessage(message);
}

/** Releases the store file so the replay thread can reopen it; safe after a partial start. */
function release(): void {
  for (const a of appenders.splice(0)) {
    try {
      a.closeSync();
    } catch {
      // The appender's rows are lost with the failure being reported; the file stays consistent.
    }
  }
  connection?.closeSync();
  instance?.closeSync();
  connection = null;
  instance = null;
}

function fail(error: unknown): void {
  try {
    release();
  } catch {
    // Reported below; the replay thread's reopen will say if the file is still held.
  }
  const message = (error instanceof Error ? error.message : String(error)).split("\n")[0]!;
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
  instance = await DuckDBInstance.create(init.storePath, init.options);
  connection = await instance.connect();
  const columns = (
    await connection.runAndReadAll(
      `SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() AND table_name = 'invocation_rows' ORDER BY column_index`,
    )
  )
    .getRows()
    .map((r) => String(r[0]));
  if (columns.join(",") !== expectedColumns.join(",")) throw new Error(`invocation_rows has columns ${columns.join(", ")}; this writer lays out ${expectedColumns.join(", ")}`);
  const rows = await connection.createAppender("invocation_rows");
  appenders.push(rows);
  const machineSamples = await connection.createAppender("machine_samples");
  appenders.push(machineSamples);
  const classSamples = await connection.createAppender("class_samples");
  appenders.push(classSamples);
  const functions = await connection.createAppender("functions");
  appenders.push(functions);

  const types = Array.from({ length: rows.columnCount }, (_, c) => rows.columnType(c));
  const chunk = DuckDBDataChunk.create(types);
  const raw = chunk.chunk;
  // The bindings copy from ArrayBuffers, not shared ones: slices go through one scratch buffer.
  const scratch = new Uint8Array(vectorRows * 8);
  const runIds = new Int32Array(vectorRows).fill(init.runId);
  const errorValidity = new Uint8Array(vectorRows / 8);
  const errorColumn = blockColumns.length + 1;
  let appended = 0;

  const appendBlock = (block: BlockBuffers, count: number, errors: readonly (readonly [number, string])[]): void => {
    for (let offset = 0; offset < count; offset += vectorRows) {
      const n = Math.min(vectorRows, count - offset);
      duckdb.data_chunk_reset(raw);
      duckdb.copy_data_to_vector(duckdb.data_chunk_get_vector(raw, 0), 0, runIds.buffer, 0, n * 4);
      for (let c = 0; c < blockColumns.length; c++) {
        const vector = duckdb.data_chunk_get_vector(raw, c + 1);
        const bytes = columnBytes(c);
        scratch.set(new Uint8Array(block.data[c]!, offset * bytes, n * bytes));
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
        errorValidity[(row - offset) >> 3]! |= 1 << ((row - offset) & 7);
        duckdb.vector_assign_string_element(errorVector, row - offset, message);
      }
      duckdb.vector_ensure_validity_writable(errorVector);
      duckdb.copy_data_to_vector_validity(errorVector, 0, errorValidity.buffer, 0, Math.ceil(n / 8));
      duckdb.data_chunk_set_size(raw, n);
      rows.appendDataChunk(chunk);
    }
    appended += count;
  };

  const appendSamples = (target: DuckDBAppender, sampleRows: readonly SampleRow[], types: string): void => {
    for (const row of sampleRows) {
      target.appendInteger(init.runId);
      row.forEach((value, c) => {
        if (value === null) target.appendNull();
        else if (types[c] === "d") target.appendDouble(value);
        else if (types[c] === "s") target.appendSmallInt(value);
        else target.appendInteger(value);
      });
      target.endRow();
    }
  };

  const finish = (newFunctions: readonly FunctionRow[]): void => {
    for (const [id, tenant, app, fn] of newFunctions) {
      functions.appendInteger(id);
      functions.appendVarchar(tenant);
      functions.appendVarchar(app);
      functions.appendVarchar(fn);
      functions.endRow();
    }
    for (const a of appenders) a.flushSync();
    release();
    send({ kind: "closed", rows: appended });
    port.close();
  };

  port.on("message", (message: ToRowWriter) => {
    if (Atomics.load(state, failedSlot) === 1) return;
    try {
      if (message.kind === "block") {
        appendBlock(init.blocks[message.index]!, message.rows, message.errors);
        Atomics.store(state, message.index, 0);
        Atomics.notify(state, message.index);
      } else if (message.kind === "samples") {
        appendSamples(machineSamples, message.machine, machineSampleTypes);
        appendSamples(classSamples, message.classes, classSampleTypes);
      } else {
        finish(message.functions);
      }
    } catch (error) {
      fail(error);
    }
  });
  send({ kind: "ready" });
}

start().catch(fail);
