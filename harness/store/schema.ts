/**
 * The store's tables, version 4 (what 3 and 4 added is below). Latency, wait and slowdown are
 * not stored: they are derived in SQL from these columns (see the `outcomes` view), so no two places can disagree on a definition.
 *
 * Outcome rows live in `invocation_rows` with the function as an integer key into `functions`
 * and the status as an ENUM: a few bytes a row instead of three strings, and the writer appends
 * typed vectors. Readers keep querying `invocations`, a view with version 1's columns (plus
 * `cpu_ms`), so no query has to know how rows are laid out.
 *
 * Version 3 adds what network backends measure: the actual send time beside the intended one
 * (`arrival_ms`), the HTTP status, the target's own queue and execution times, the `dropped`
 * status, and a run's `degraded` reason. They follow `error` because `ALTER TABLE … ADD COLUMN`
 * appends, and a fresh store must lay rows out as a migrated one does.
 *
 * Version 4 adds what AWS Lambda's REPORT line says of each invocation (its Duration goes to
 * `server_exec_ms`): Init Duration (set only on a cold start), Billed Duration, the configured
 * Memory Size and Max Memory Used, and how many times the client retried it. Appended after
 * `server_exec_ms` for the same reason. It also adds the work freshen did ahead of an invocation,
 * and the live plane's breakdown of each invocation's time (shard queue, machine queue, cold
 * start, preempted, swap-in), appended after those.
 */
export const schemaVersion = 4;

/** Outcome statuses in ENUM order: the writer stores a status as its index here. */
export const outcomeStatuses = ["ok", "killed", "throttled", "failed", "timeout", "dropped"] as const;

const statusList = outcomeStatuses.map((s) => `'${s}'`).join(", ");

/** The tables of functions and outcome rows at the current version. */
const functionsAndRowsStatements: readonly string[] = [
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
     error VARCHAR,
     -- Network backends (NULL for simulators): when the request actually left (arrival_ms is when
     -- it should have), the HTTP status, and the target's reported queue and execution times.
     sent_ms DOUBLE,
     http_status SMALLINT,
     server_queue_ms DOUBLE,
     server_exec_ms DOUBLE,
     -- Lambda (NULL elsewhere): the REPORT line's Init Duration (cold starts only), Billed Duration,
     -- Memory Size and Max Memory Used, and the client's retries of this invocation (0 when none).
     init_ms DOUBLE,
     billed_ms DOUBLE,
     memory_size_mb DOUBLE,
     max_memory_used_mb DOUBLE,
     retries SMALLINT,
     -- Freshen (seed 003; NULL when off or when freshen did nothing for it): the set-up and fetch
     -- work that freshen did ahead, which the invocation therefore skipped (its cpu_ms is less by it).
     freshen_saved_ms DOUBLE,
     -- The live plane (NULL elsewhere), from its response headers: time waited in the shard's
     -- multi-queue, on the machine before first CPU (a cold start included), of that the cold
     -- start, time stopped by preemption and time reading swapped pages back. server_exec_ms holds
     -- the plane's execution, from first CPU to the end, preempted and swap-in time included.
     shard_queue_ms DOUBLE,
     machine_queue_ms DOUBLE,
     cold_start_ms DOUBLE,
     preempted_ms DOUBLE,
     swap_in_ms DOUBLE
   )`,
];

/** The reader-facing views; recreated by every migration that changes what they read. */
export const viewStatements: readonly string[] = [
  `CREATE OR REPLACE VIEW invocations AS
     SELECT r.run_id, r.invocation_id, f.tenant, f.app, f.fn, r.price_class, r.ran_class, r.work_ms,
            r.mem_start_mb, r.mem_peak_mb, r.parent_id, r.status, r.arrival_ms, r.placed_ms, r.start_ms,
            r.end_ms, r.machine, r.preemptions, r.swapped_out_mb, r.swap_outs, r.cost_micro_cents, r.error,
            r.cpu_ms, r.sent_ms, r.http_status, r.server_queue_ms, r.server_exec_ms,
            r.init_ms, r.billed_ms, r.memory_size_mb, r.max_memory_used_mb, r.retries, r.freshen_saved_ms,
            r.shard_queue_ms, r.machine_queue_ms, r.cold_start_ms, r.preempted_ms, r.swap_in_ms
     FROM invocation_rows r JOIN functions f USING (function_id)`,
  `CREATE OR REPLACE VIEW outcomes AS
     SELECT *,
            end_ms - arrival_ms AS latency_ms,
            start_ms - arrival_ms AS wait_ms,
            CASE WHEN work_ms > 0 THEN (end_ms - arrival_ms) / work_ms END AS slowdown,
            placed_ms - arrival_ms AS shard_wait_ms,
            -- Network runs: how late the driver sent, and the response time from the actual send
            -- (latency_ms, from the intended send, is corrected for coordinated omission).
            sent_ms - arrival_ms AS lateness_ms,
            end_ms - sent_ms AS response_ms,
            -- Lambda: the seeds' breakdown of the client round trip into setup (everything that is
            -- neither initialization nor execution: network, routing, placement, and any retry
            -- waits), init and execution. NULL without a REPORT line.
            CASE WHEN billed_ms IS NOT NULL THEN (end_ms - sent_ms) - coalesce(init_ms, 0) - server_exec_ms END AS setup_ms
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
     manifest JSON NOT NULL,
     -- Why a complete network run's pacing cannot be trusted (p99 lateness over the limit); NULL when it can.
     degraded VARCHAR
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
