/**
 * The store's tables, version 2. Latency, wait and slowdown are not stored: they are derived in
 * SQL from these columns (see the `outcomes` view), so no two places can disagree on a definition.
 *
 * Outcome rows live in `invocation_rows` with the function as an integer key into `functions`
 * and the status as an ENUM: a few bytes a row instead of three strings, and the writer appends
 * typed vectors. Readers keep querying `invocations`, a view with version 1's columns (plus
 * `cpu_ms`), so no query has to know how rows are laid out.
 */
export const schemaVersion = 2;

/** Outcome statuses in ENUM order: the writer stores a status as its index here. */
export const outcomeStatuses = ["ok", "killed", "throttled", "failed", "timeout"] as const;

const statusList = outcomeStatuses.map((s) => `'${s}'`).join(", ");

/** Statements that version 2 adds; the v1 → v2 migration runs them too. */
export const functionsAndRowsStatements: readonly string[] = [
  `CREATE TYPE outcome_status AS ENUM (${statusList})`,
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
export const viewStatements: readonly string[] = [
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

/** A fresh store at the current version. */
export const schemaStatements: readonly string[] = [
  `CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)`,
  `CREATE TABLE traces (
     digest VARCHAR PRIMARY KEY,
     kind VARCHAR NOT NULL,
     spec JSON NOT NULL,
     invocations BIGINT NOT NULL,
     duration_ms DOUBLE NOT NULL
   )`,
  `CREATE SEQUENCE run_ids START 1`,
  `CREATE TABLE runs (
     run_id INTEGER PRIMARY KEY DEFAULT nextval('run_ids'),
     backend VARCHAR NOT NULL,
     -- Runs started by one command (a replay over several backends) share a batch: the first one's run_id.
     batch_id INTEGER,
     label VARCHAR,
     sweep VARCHAR,
     trace_kind VARCHAR NOT NULL,
     seed BIGINT NOT NULL,
     status VARCHAR NOT NULL CHECK (status IN ('running', 'complete', 'failed', 'interrupted')),
     started_at TIMESTAMP NOT NULL,
     ended_at TIMESTAMP,
     wall_ms DOUBLE,
     invocations BIGINT,
     stream_digest VARCHAR,
     error VARCHAR,
     config JSON NOT NULL,
     manifest JSON NOT NULL
   )`,
  ...functionsAndRowsStatements,
  `CREATE TABLE machine_samples (
     run_id INTEGER NOT NULL,
     t_ms DOUBLE NOT NULL,
     machine INTEGER NOT NULL,
     running INTEGER NOT NULL,
     queued INTEGER NOT NULL,
     utilization DOUBLE NOT NULL,
     mem_used_mb DOUBLE,
     swap_used_mb DOUBLE
   )`,
  `CREATE TABLE class_samples (
     run_id INTEGER NOT NULL,
     t_ms DOUBLE NOT NULL,
     machine INTEGER NOT NULL,
     price_class SMALLINT NOT NULL,
     functions INTEGER NOT NULL,
     resident_mb DOUBLE NOT NULL,
     waiting_resident_mb DOUBLE NOT NULL,
     swapped_mb DOUBLE NOT NULL,
     swap_outs INTEGER NOT NULL,
     swap_ins INTEGER NOT NULL,
     kills INTEGER NOT NULL
   )`,
  `CREATE TABLE costs (
     run_id INTEGER NOT NULL,
     model VARCHAR NOT NULL,
     tenant VARCHAR NOT NULL,
     price_class SMALLINT NOT NULL,
     invocations BIGINT NOT NULL,
     cpu_s DOUBLE NOT NULL,
     gb_s DOUBLE NOT NULL,
     cost_usd DOUBLE NOT NULL
   )`,
  ...viewStatements,
  `INSERT INTO meta VALUES ('schema_version', '${schemaVersion}')`,
];
