import type { Argv } from "yargs";
import { listRuns } from "../../store/run-listing.ts";
import { RunStore } from "../../store/run-store.ts";
import { dbOption } from "../options/common-options.ts";
import { textTable } from "../text-table.ts";

interface RunsArgs {
  db: string;
  json: boolean;
  limit: number;
}

export const runsCommand = {
  command: "runs",
  describe: "List the runs in the store, complete or not",
  builder: (y: Argv) =>
    y
      .options({
        ...dbOption,
        json: { type: "boolean", default: false, describe: "Print JSON instead of a table" },
        limit: { type: "number", default: 50, describe: "Show the most recent N runs" },
      })
      .example("$0 runs --db runs/xxbench.duckdb", "every run with its status"),
  handler: async (args: RunsArgs) => {
    const store = await RunStore.open(args.db, { readOnly: true });
    try {
      const runs = await listRuns(store, { includeIncomplete: true, limit: args.limit });
      if (args.json) {
        process.stdout.write(`${JSON.stringify(runs, null, 2)}\n`);
        return;
      }
      process.stdout.write(
        `${textTable(
          ["run", "batch", "backend", "trace", "seed", "status", "started", "invocations", "wall s", "digest", "note"],
          runs.map((r) => [
            r.runId,
            r.batchId,
            r.backend,
            r.traceKind,
            r.seed,
            r.degraded !== null ? `${r.status}, DEGRADED` : r.status,
            r.startedAt,
            r.invocations,
            r.wallMs === null ? null : r.wallMs / 1000,
            r.streamDigest?.slice(0, 12) ?? null,
            r.error ?? r.degraded ?? r.label ?? "",
          ]),
        )}\n`,
      );
    } finally {
      store.close();
    }
  },
};
