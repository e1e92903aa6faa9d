import type { Argv } from "yargs";
import { RunStore } from "../../store/run-store.ts";
import { dbOption } from "../options/common-options.ts";
import { textTable } from "../text-table.ts";
import { UsageError } from "../usage-error.ts";

interface SqlArgs {
  db: string;
  query: string;
  json: boolean;
}

/**
 * Ad-hoc SQL over the store without installing the DuckDB CLI: `npm ci` brings DuckDB's library,
 * not its shell. The store is opened as the read-only commands open it, so a query cannot change it.
 */
export const sqlCommand = {
  command: "sql <query>",
  describe: "Run a SQL query on the store and print the rows (tables: runs, invocations, outcomes, costs, …)",
  builder: (y: Argv) =>
    y
      .positional("query", { type: "string", demandOption: true, describe: "One SQL statement" })
      .options({ ...dbOption, json: { type: "boolean", default: false, describe: "Print JSON rows instead of a table" } })
      .example("$0 sql \"SELECT run_id, price_class, quantile_cont(latency_ms, 0.99) AS p99_ms FROM outcomes GROUP BY ALL ORDER BY ALL\"", "p99 latency per run and class"),
  handler: async (args: SqlArgs) => {
    const store = await RunStore.open(args.db, { existing: true });
    try {
      let rows: Record<string, unknown>[];
      try {
        rows = await store.query(args.query);
      } catch (error) {
        throw new UsageError(`the query failed: ${(error instanceof Error ? error.message : String(error)).split("\n")[0]}`);
      }
      const plain = rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, plainValue(v)])));
      if (args.json) {
        process.stdout.write(`${JSON.stringify(plain, null, 2)}\n`);
        return;
      }
      const headers = plain.length > 0 ? Object.keys(plain[0] ?? {}) : [];
      const cells = plain.map((row) => headers.map((h) => cell(row[h])));
      process.stdout.write(`${textTable(headers, cells)}\n(${plain.length} row${plain.length === 1 ? "" : "s"})\n`);
    } finally {
      store.close();
    }
  },
};

/** DuckDB's BIGINTs arrive as bigint: a number when exact, else its digits. */
function plainValue(v: unknown): unknown {
  if (typeof v === "bigint") return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  return v;
}

function cell(v: unknown): string | number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "number" || typeof v === "string") return v;
  return JSON.stringify(v);
}
