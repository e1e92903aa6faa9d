import type { Argv } from "yargs";
import { classSummaries } from "../../summary/class-summary.ts";
import { formatClassSummaries } from "../../summary/format-class-summaries.ts";
import { sendingBlock } from "../../summary/sending-block.ts";
import { sendingSummaries } from "../../summary/sending-summary.ts";
import { listRuns } from "../../store/run-listing.ts";
import { RunStore } from "../../store/run-store.ts";
import { dbOption } from "../options/common-options.ts";
import { UsageError } from "../usage-error.ts";

interface SummaryArgs {
  db: string;
  runs?: number[];
  json: boolean;
  "include-incomplete": boolean;
}

export const summaryCommand = {
  command: "summary",
  describe: "Latency and slowdown percentiles per run and price class, from the store",
  builder: (y: Argv) =>
    y
      .options({
        ...dbOption,
        runs: { type: "number", array: true, describe: "Run ids (default: the latest replay's runs)" },
        json: { type: "boolean", default: false, describe: "Print JSON for machines" },
        "include-incomplete": { type: "boolean", default: false, describe: "Also summarize failed or interrupted runs" },
      })
      .example("$0 summary", "the runs of the latest replay")
      .example("$0 summary --runs 4 5 --json", "two runs as JSON"),
  handler: async (args: SummaryArgs) => {
    const store = await RunStore.open(args.db, { readOnly: true });
    try {
      const selected = await listRuns(store, {
        includeIncomplete: args["include-incomplete"],
        ...(args.runs && args.runs.length > 0 ? { runIds: args.runs } : { latest: true }),
      });
      if (args.runs && args.runs.length > 0) {
        const missing = args.runs.filter((id) => !selected.some((r) => r.runId === id));
        if (missing.length > 0) {
          throw new UsageError(
            `no complete run ${missing.join(", ")} in ${args.db} (see \`xxbench runs\`; --include-incomplete shows failed runs)`,
          );
        }
      }
      if (selected.length === 0) throw new UsageError(`no complete runs in ${args.db}; run \`xxbench replay\` first`);
      const rows = await classSummaries(store, selected.map((r) => r.runId));
      if (args.json) {
        const sending = await sendingSummaries(store, selected.map((r) => r.runId));
        process.stdout.write(`${JSON.stringify({ runs: selected, classes: rows, sending }, null, 2)}\n`);
        return;
      }
      process.stdout.write(`${formatClassSummaries(rows, new Map(selected.map((r) => [r.runId, r.prices])))}\n`);
      const sending = await sendingBlock(store, selected.map((r) => r.runId));
      if (sending.length > 0) process.stdout.write(`\n${sending.join("\n")}\n`);
    } finally {
      store.close();
    }
  },
};
