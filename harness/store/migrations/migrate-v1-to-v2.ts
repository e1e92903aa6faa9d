import { schemaV2FunctionsAndRows, schemaV2Views } from "./schema-v2.ts";

/**
 * Version 1 kept tenant, app and fn as strings on every outcome row. Version 2 keys them by
 * integer in `functions`, stores the status as an ENUM, adds `cpu_ms`, and turns `invocations`
 * into a view with the old columns, so every existing query reads the migrated rows unchanged.
 * The caller runs these in one transaction.
 */
export const migrateV1ToV2: readonly string[] = [
  ...schemaV2FunctionsAndRows,
  `INSERT INTO functions
     SELECT (row_number() OVER (ORDER BY tenant, app, fn))::INTEGER, tenant, app, fn
     FROM (SELECT DISTINCT tenant, app, fn FROM invocations)`,
  `INSERT INTO invocation_rows BY NAME
     SELECT i.* EXCLUDE (tenant, app, fn, status), f.function_id, i.status::outcome_status AS status, NULL::DOUBLE AS cpu_ms
     FROM invocations i JOIN functions f USING (tenant, app, fn)
     ORDER BY i.run_id, i.invocation_id`,
  `DROP VIEW outcomes`,
  `DROP TABLE invocations`,
  ...schemaV2Views,
];
