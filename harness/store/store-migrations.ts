import type { DuckDBConnection } from "@duckdb/node-api";
import { migrateV1ToV2 } from "./migrations/migrate-v1-to-v2.ts";
import { migrateV2ToV3 } from "./migrations/migrate-v2-to-v3.ts";
import { migrateV3ToV4 } from "./migrations/migrate-v3-to-v4.ts";
import { schemaStatements, schemaVersion } from "./schema.ts";
import { StoreError } from "./store-errors.ts";

/** Statements that take a store from version N (the key) to N + 1. */
const migrations: ReadonlyMap<number, readonly string[]> = new Map([
  [1, migrateV1ToV2],
  [2, migrateV2ToV3],
  [3, migrateV3ToV4],
]);

const reimport = (path: string): string =>
  `export its runs with the xxbench that wrote it (\`xxbench export --db ${path} --include-incomplete --out DIR\`) and import them into a new store (\`xxbench import DIR --db NEW\`)`;

async function scalar(connection: DuckDBConnection, sql: string): Promise<unknown> {
  const rows = (await connection.runAndReadAll(sql)).getRows();
  return rows[0]?.[0];
}

/**
 * Brings the open store to the current schema: creates it when the file is new, upgrades an older
 * version in one transaction (a failed upgrade leaves the file as it was), and refuses what it
 * cannot read with one line saying what to do. A read-only store is never changed.
 */
export async function prepareSchema(connection: DuckDBConnection, path: string, readOnly: boolean): Promise<void> {
  const tables = Number(await scalar(connection, `SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database()`));
  const hasMeta = Number(await scalar(connection, `SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() AND table_name = 'meta'`)) > 0;
  if (!hasMeta) {
    if (tables > 0) throw new StoreError(`${path} is a DuckDB file but not an xxbench store (it has no meta table); pass another --db`);
    if (readOnly) throw new StoreError(`${path} is an empty DuckDB file, not an xxbench store (run \`xxbench replay --db ${path}\` to fill it)`);
    await inTransaction(connection, schemaStatements);
    return;
  }
  const found = await scalar(connection, `SELECT value FROM meta WHERE key = 'schema_version'`);
  const version = Number(found);
  if (!Number.isInteger(version) || version < 1) throw new StoreError(`${path} has no readable schema version (found ${String(found)}); ${reimport(path)}`);
  if (version === schemaVersion) return;
  if (version > schemaVersion) {
    throw new StoreError(`${path} has store schema ${version}, newer than this xxbench reads (${schemaVersion}): update xxbench, or ${reimport(path)}`);
  }
  if (readOnly) {
    throw new StoreError(
      `${path} has store schema ${version} and was opened read-only, so it cannot be upgraded to ${schemaVersion}: ` +
        `open it once with a writing command (e.g. \`xxbench import\` of an export, or \`xxbench replay --db ${path}\`), or make it writable`,
    );
  }
  const steps: string[] = [];
  for (let v = version; v < schemaVersion; v++) {
    const step = migrations.get(v);
    if (step === undefined) throw new StoreError(`${path} has store schema ${v}, which this xxbench cannot upgrade: ${reimport(path)}`);
    steps.push(...step);
  }
  try {
    await inTransaction(connection, [...steps, `UPDATE meta SET value = '${schemaVersion}' WHERE key = 'schema_version'`]);
  } catch (error) {
    const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new StoreError(`${path}: upgrading store schema ${version} to ${schemaVersion} failed, the file is unchanged (${message}); ${reimport(path)}`);
  }
}

async function inTransaction(connection: DuckDBConnection, statements: readonly string[]): Promise<void> {
  await connection.run("BEGIN TRANSACTION");
  try {
    for (const sql of statements) await connection.run(sql);
    await connection.run("COMMIT");
  } catch (error) {
    await connection.run("ROLLBACK");
    throw error;
  }
}
