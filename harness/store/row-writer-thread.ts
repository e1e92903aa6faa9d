/**
 * The row-writer thread: appends blocks of outcome rows to a private staging DuckDB file on the
 * second core while the replay thread keeps simulating. Why a private file and not the store:
 * two DuckDB instances on one file in one process would not lock each other out (the lock is per
 * process) and could corrupt it, and a DuckDB instance cannot be shared between threads from JS.
 * When the run's writer closes, the store copies the staging table in one native INSERT.
 *
 * Protocol: the parent sends `{ kind: "block" }` when a shared block is full; this thread appends
 * it, marks it free in the shared state array and wakes the parent, which may be waiting for a
 * free block (bounded memory: the simulator waits rather than buffering without limit). On any
 * failure it sets the shared failed flag, so a waiting parent stops waiting, and reports the
 * message.
 */
import { parentPort, workerData } from "node:worker_threads";
import duckdb from "@duckdb/node-bindings";
import { DuckDBDataChunk, DuckDBInstance, type DuckDBAppender } from "@duckdb/node-api";
import { blockColumns, columnBytes, stagingTableSql, vectorRows, type BlockBuffers } from "./outcome-block.ts";
import type { RowWriterInit, ToRowWriter, FromRowWriter } from "./row-writer-protocol.ts";

const init = workerData as RowWriterInit;
const port = parentPort!;
const state = new Int32Array(init.state);
const failedSlot = init.blocks.length;

function send(message: FromRowWriter): void {
  port.postMessage(message);
}

function fail(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  const text = new TextEncoder().encode(message).slice(0, init.failure.byteLength - 4);
  new Uint8Array(init.failure).set(text, 4);
  new Int32Array(init.failure, 0, 1)[0] = text.length;
  Atomics.store(state, failedSlot, 1);
  Atomics.notify(state, failedSlot);
  for (let b = 0; b < failedSlot; b++) Atomics.notify(state, b);
  send({ kind: "failed", message });
}

const instance = await DuckDBInstance.create(init.stagingPath, {
  memory_limit: `${init.memoryLimitMb}MB`,
  temp_directory: init.spillDir,
  threads: "1",
}).catch((error: unknown) => {
  fail(error);
  return null;
});

if (instance !== null) {
  try {
    const connection = await instance.connect();
    await connection.run(stagingTableSql);
    const appender = await connection.createAppender("outcome_rows");
    const types = Array.from({ length: appender.columnCount }, (_, c) => appender.columnType(c));
    const chunk = DuckDBDataChunk.create(types);
    const raw = chunk.chunk;
    // The bindings copy from ArrayBuffers, not shared ones: one scratch buffer per slice.
    const scratch = new Uint8Array(vectorRows * 8);
    const errorValidity = new Uint8Array(vectorRows / 8);
    const errorColumn = blockColumns.length;
    let rows = 0;

    const appendBlock = (block: BlockBuffers, count: number, errors: readonly (readonly [number, string])[]): void => {
      for (let offset = 0; offset < count; offset += vectorRows) {
        const n = Math.min(vectorRows, count - offset);
        duckdb.data_chunk_reset(raw);
        for (let c = 0; c < blockColumns.length; c++) {
          const vector = duckdb.data_chunk_get_vector(raw, c);
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
        appender.appendDataChunk(chunk);
      }
      rows += count;
    };

    const close = (target: DuckDBAppender): void => {
      target.flushSync();
      target.closeSync();
      connection.closeSync();
      instance.closeSync();
    };

    send({ kind: "ready" });
    port.on("message", (message: ToRowWriter) => {
      if (Atomics.load(state, failedSlot) === 1) return;
      try {
        if (message.kind === "block") {
          appendBlock(init.blocks[message.index]!, message.rows, message.errors);
          Atomics.store(state, message.index, 0);
          Atomics.notify(state, message.index);
        } else {
          close(appender);
          send({ kind: "closed", rows });
          port.close();
        }
      } catch (error) {
        fail(error);
        port.close();
      }
    });
  } catch (error) {
    fail(error);
    port.close();
  }
} else {
  port.close();
}
