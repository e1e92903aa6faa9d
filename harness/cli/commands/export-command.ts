import type { Argv } from "yargs";
import { listRuns } from "../../store/run-listing.ts";
import { exportRuns } from "../../store/parquet-transfer.ts";
import { RunStore } from "../../store/run-store.ts";
import { dbOption } from "../options/common-options.ts";
import { UsageError } from "../usage-error.ts";

interface ExportArgs {
  db: string;
  runs?: number[];
  out: string;
  "include-incomplete": boolean;
}

export const exportCommand = {
  command: "export",
  describe: "Write runs as Parquet files (one per table) to move them to another store or machine",
  builder: (y: Argv) =>
    y
      .options({
        ...dbOption,
        runs: { type: "number", array: true, describe: "Run ids (default: the latest replay's or sweep's runs)" },
        out: { type: "string", demandOption: true, describe: "Directory for the Parquet files" },
        "include-incomplete": { type: "boolean", default: false, describe: "Also export failed or interrupted runs" },
      })
      .example("$0 export --out runs/export", "the latest batch of runs")
      .example("$0 export --runs 4 5 --out /tmp/two-runs", "two runs"),
  handler: async (args: ExportArgs) => {
    const store = await RunStore.open(args.db, { readOnly: true });
    try {
      const explicit = args.runs && args.runs.length > 0;
      const runs = await listRuns(store, { includeIncomplete: args["include-incomplete"], ...(explicit ? { runIds: args.runs } : { latest: true }) });
      if (runs.length === 0) throw new UsageError(`no ${explicit ? "such " : ""}complete runs in ${args.db} (see \`xxbench runs\`)`);
      const files = await exportRuns(store, runs.map((r) => r.runId), args.out);
      process.stdout.write(`exported runs ${runs.map((r) => r.runId).join(", ")} to ${args.out} (${files.length} Parquet files)\n`);
    } finally {
      store.close();
    }
  },
};
