import { outcomeStatuses } from "../schema.ts";
import { schemaV3Views } from "./schema-v3-views.ts";

const statusList = outcomeStatuses.map((s) => `'${s}'`).join(", ");

/**
 * Version 3 adds what network backends measure. DuckDB cannot add a value to an ENUM in place,
 * so the status column moves to a widened copy of the type and back under the old name (the
 * values keep their indices: `dropped` is appended). The views read the table, so they are
 * dropped first and recreated with the new columns. The caller runs these in one transaction.
 */
export const migrateV2ToV3: readonly string[] = [
  `DROP VIEW outcomes`,
  `DROP VIEW invocations`,
  `CREATE TYPE outcome_status_v3 AS ENUM (${statusList})`,
  `ALTER TABLE invocation_rows ALTER status TYPE outcome_status_v3`,
  `DROP TYPE outcome_status`,
  `CREATE TYPE outcome_status AS ENUM (${statusList})`,
  `ALTER TABLE invocation_rows ALTER status TYPE outcome_status`,
  `DROP TYPE outcome_status_v3`,
  `ALTER TABLE invocation_rows ADD COLUMN sent_ms DOUBLE`,
  `ALTER TABLE invocation_rows ADD COLUMN http_status SMALLINT`,
  `ALTER TABLE invocation_rows ADD COLUMN server_queue_ms DOUBLE`,
  `ALTER TABLE invocation_rows ADD COLUMN server_exec_ms DOUBLE`,
  `ALTER TABLE runs ADD COLUMN degraded VARCHAR`,
  ...schemaV3Views,
];
