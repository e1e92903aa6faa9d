import { viewStatements } from "../schema.ts";

/**
 * Version 4 adds what AWS Lambda's REPORT line says of each invocation, the client's retries, and
 * the work freshen did ahead for an invocation, and the live plane's breakdown of its time.
 * The columns are appended (as a fresh version 4 store lays them out); the views read the table,
 * so they are dropped first and recreated with the new columns. The caller runs these in one
 * transaction.
 */
export const migrateV3ToV4: readonly string[] = [
  `DROP VIEW outcomes`,
  `DROP VIEW invocations`,
  `ALTER TABLE invocation_rows ADD COLUMN init_ms DOUBLE`,
  `ALTER TABLE invocation_rows ADD COLUMN billed_ms DOUBLE`,
  `ALTER TABLE invocation_rows ADD COLUMN memory_size_mb DOUBLE`,
  `ALTER TABLE invocation_rows ADD COLUMN max_memory_used_mb DOUBLE`,
  `ALTER TABLE invocation_rows ADD COLUMN retries SMALLINT`,
  `ALTER TABLE invocation_rows ADD COLUMN freshen_saved_ms DOUBLE`,
  `ALTER TABLE invocation_rows ADD COLUMN shard_queue_ms DOUBLE`,
  `ALTER TABLE invocation_rows ADD COLUMN machine_queue_ms DOUBLE`,
  `ALTER TABLE invocation_rows ADD COLUMN cold_start_ms DOUBLE`,
  `ALTER TABLE invocation_rows ADD COLUMN preempted_ms DOUBLE`,
  `ALTER TABLE invocation_rows ADD COLUMN swap_in_ms DOUBLE`,
  ...viewStatements,
];
