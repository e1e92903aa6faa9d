/**
 * What version 2 added to version 1, verbatim: the v1 → v2 migration runs exactly these, so a
 * version 1 store becomes the version 2 store it always became (later versions migrate on from
 * there). Never edit it; a change to the schema is a new version and a new migration.
 */
export const schemaV2FunctionsAndRows: readonly string[] = [
  `CREATE TYPE outcome_status AS ENUM ('ok', 'killed', 'throttled', 'failed', 'timeout')`,
  // One row per distinct (tenant, app, fn) across every run in the store.
  `CREATE TABLE functions (
     function_id INTEGER PRIMARY KEY,
     tenant VARCHAR NOT NULL,
     app VARCHAR NOT NULL,
     fn VARCHAR NOT NULL,
     UNIQUE (tenant, app, fn)
   )`,
  `CREATE TABLE invocation_rows (
     run_id INTEGER NOT NULL,
     invocation_id BIGINT NOT NULL,
     function_id INTEGER NOT NULL,
     price_class SMALLINT NOT NULL,
     ran_class SMALLINT,
     work_ms DOUBLE NOT NULL,
     mem_start_mb DOUBLE NOT NULL,
     mem_peak_mb DOUBLE NOT NULL,
     parent_id BIGINT,
     status outcome_status NOT NULL,
     arrival_ms DOUBLE NOT NULL,
     placed_ms DOUBLE,
     start_ms DOUBLE,
     end_ms DOUBLE,
     machine INTEGER,
     preemptions INTEGER NOT NULL,
     swapped_out_mb DOUBLE NOT NULL,
     swap_outs INTEGER NOT NULL,
     cost_micro_cents DOUBLE NOT NULL,
     -- CPU ms the invocation actually received; NULL where the backend does not report it.
     cpu_ms DOUBLE,
     error VARCHAR
   )`,
];

/** The reader-facing views; recreated by every migration that changes what they read. */
export const schemaV2Views: readonly string[] = [
  `CREATE OR REPLACE VIEW invocations AS
     SELECT r.run_id, r.invocation_id, f.tenant, f.app, f.fn, r.price_class, r.ran_class, r.work_ms,
            r.mem_start_mb, r.mem_peak_mb, r.parent_id, r.status, r.arrival_ms, r.placed_ms, r.start_ms,
            r.end_ms, r.machine, r.preemptions, r.swapped_out_mb, r.swap_outs, r.cost_micro_cents, r.error,
            r.cpu_ms
     FROM invocation_rows r JOIN functions f USING (function_id)`,
  `CREATE OR REPLACE VIEW outcomes AS
     SELECT *,
            end_ms - arrival_ms AS latency_ms,
            start_ms - arrival_ms AS wait_ms,
            CASE WHEN work_ms > 0 THEN (end_ms - arrival_ms) / work_ms END AS slowdown,
            placed_ms - arrival_ms AS shard_wait_ms
     FROM invocations`,
];
