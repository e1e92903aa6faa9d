import type { RunStore } from "../../harness/store/run-store.ts";

/** Tables and their columns as the store holds them: newer stores carry more (memory, billing). */
export type StoreShape = ReadonlyMap<string, ReadonlySet<string>>;

/**
 * Reads the store's tables, so a section can use a column when the store has it and say plainly
 * when it does not, instead of failing on a store written by an older xxbench.
 */
export async function storeShape(store: RunStore): Promise<StoreShape> {
  const rows = await store.query(
    `SELECT table_name, column_name FROM duckdb_columns() WHERE schema_name = 'main' AND database_name = current_database() ORDER BY 1, 2`,
  );
  const shape = new Map<string, Set<string>>();
  for (const r of rows) {
    const table = String(r.table_name);
    const columns = shape.get(table) ?? new Set<string>();
    columns.add(String(r.column_name));
    shape.set(table, columns);
  }
  return shape;
}

export function hasColumn(shape: StoreShape, table: string, column: string): boolean {
  return shape.get(table)?.has(column) === true;
}
