/**
 * The store's schema version 1, verbatim: the historical record of what stores written before
 * version 2 hold, and what the migration tests build old stores from. Never edit it; a change to
 * the schema is a new version and a new migration.
 */
export const schemaV1Statements: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)`,
  `CREATE TABLE IF NOT EXISTS traces (
     digest VARCHAR PRIMARY KEY,
     kind VARCHAR NOT NULL,
     spec JSON NOT NULL,
     invocations BIGINT NOT NULL,
     duration_ms DOUBLE NOT NULL
   )`,
  `CREATE SEQUENCE IF NOT EXISTS run_ids START 1`,
  `CREATE TABLE IF NOT EXISTS runs (
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
  `CREATE TABLE IF NOT EXISTS invocations (
     run_id INTEGER NOT NULL,
     invocation_id BIGINT NOT NULL,
     tenant VARCHAR NOT NULL,
     app VARCHAR NOT NULL,
     fn VARCHAR NOT NULL,
     price_class SMALLINT NOT NULL,
     ran_class SMALLINT,
     work_ms DOUBLE NOT NULL,
     mem_start_mb DOUBLE NOT NULL,
     mem_peak_mb DOUBLE NOT NULL,
     parent_id BIGINT,
     status VARCHAR NOT NULL,
     arrival_ms DOUBLE NOT NULL,
     placed_ms DOUBLE,
     start_ms DOUBLE,
     end_ms DOUBLE,
     machine INTEGER,
     preemptions INTEGER NOT NULL,
     swapped_out_mb DOUBLE NOT NULL,
     swap_outs INTEGER NOT NULL,
     cost_micro_cents DOUBLE NOT NULL,
     error VARCHAR
   )`,
  `CREATE TABLE IF NOT EXISTS machine_samples (
     run_id INTEGER NOT NULL,
     t_ms DOUBLE NOT NULL,
     machine INTEGER NOT NULL,
     running INTEGER NOT NULL,
     queued INTEGER NOT NULL,
     utilization DOUBLE NOT NULL,
     mem_used_mb DOUBLE,
     swap_used_mb DOUBLE
   )`,
  `CREATE TABLE IF NOT EXISTS class_samples (
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
  `CREATE TABLE IF NOT EXISTS costs (
     run_id INTEGER NOT NULL,
     model VARCHAR NOT NULL,
     tenant VARCHAR NOT NULL,
     price_class SMALLINT NOT NULL,
     invocations BIGINT NOT NULL,
     cpu_s DOUBLE NOT NULL,
     gb_s DOUBLE NOT NULL,
     cost_usd DOUBLE NOT NULL
   )`,
  `CREATE OR REPLACE VIEW outcomes AS
     SELECT *,
            end_ms - arrival_ms AS latency_ms,
            start_ms - arrival_ms AS wait_ms,
            CASE WHEN work_ms > 0 THEN (end_ms - arrival_ms) / work_ms END AS slowdown
     FROM invocations`,
];
