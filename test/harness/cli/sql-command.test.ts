import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { runCliInProcess as runCli } from "../../support/run-cli-in-process.ts";
import { useTempDirs } from "../../support/temp-dir.ts";

describe("xxbench sql", () => {
  const tempDir = useTempDirs();

  test("prints a query's rows from the store, and a bad query is one line with exit 2", async () => {
    const db = join(tempDir(), "s.duckdb");
    const replayed = await runCli(["replay", "--invocations", "3000", "--backend", "sim:xx", "--quiet", "--db", db]);
    expect(replayed.code).toBe(0);
    const counted = await runCli(["sql", "--db", db, "--json", "SELECT count(*) AS n, min(run_id) AS run FROM outcomes"]);
    expect(counted.code).toBe(0);
    expect(JSON.parse(counted.stdout)).toEqual([{ n: 3000, run: 1 }]);
    const table = await runCli(["sql", "--db", db, "SELECT status, count(*) AS n FROM invocations GROUP BY ALL"]);
    expect(table.stdout).toMatch(/^status\s+n\n-+\s+-+\nok\s+3000\n\(1 row\)\n$/);
    const bad = await runCli(["sql", "--db", db, "SELEC 1"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
    expect(bad.stderr).toMatch(/^xxbench: the query failed: Parser Error/);
  });
});
