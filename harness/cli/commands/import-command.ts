import { existsSync } from "node:fs";
import type { Argv } from "yargs";
import { importParquetRuns } from "../../store/parquet-transfer.ts";
import { RunStore } from "../../store/run-store.ts";
import { dbOption } from "../options/common-options.ts";
import { UsageError } from "../usage-error.ts";

interface ImportArgs {
  db: string;
  dir: string;
}

export const importCommand = {
  command: "import <dir>",
  describe: "Add runs exported with `xxbench export` to a store, under fresh run ids",
  builder: (y: Argv) =>
    y
      .positional("dir", { type: "string", demandOption: true, describe: "Directory written by xxbench export" })
      .options({ ...dbOption })
      .example("$0 import /tmp/two-runs --db runs/xxbench.duckdb", "the exported runs join the local store"),
  handler: async (args: ImportArgs) => {
    if (!existsSync(args.dir)) throw new UsageError(`${args.dir} does not exist`);
    const store = await RunStore.open(args.db);
    try {
      const imported = await importParquetRuns(store, args.dir);
      process.stdout.write(`imported ${imported.length} runs into ${args.db} as runs ${imported.map((r) => r.runId).join(", ")}\n`);
    } finally {
      store.close();
    }
  },
};
