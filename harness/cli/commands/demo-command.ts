import type { Argv } from "yargs";
import { printReportWritten, reportForCli } from "./report-command.ts";
import { runReplay, replayOptions } from "./replay-command.ts";
import { checkReportFolder } from "../../../reports/report-folder.ts";

/** The seeds' Figure 3 workload: medium load, raised above capacity at tick 50, lowered at tick 80. */
export const figure3Phases = "0:0.7,50:1.3,80:0.7";

export const demoCommand = {
  command: "demo",
  describe: "The main job on embedded defaults: the seeds' Figure 3 load spike through sim:xx, sim:hermod and sim:edf, then the report",
  builder: (y: Argv) =>
    replayOptions(y)
      .options({ out: { type: "string", default: "runs/report", describe: "Folder the report is written to" } })
      .default({ phases: figure3Phases, "duration-s": 120 })
      .example("$0 demo", "about 800 k invocations per backend on 100 machines × 8 cores, into runs/xxbench.duckdb and runs/report/"),
  handler: async (args: Parameters<typeof runReplay>[0] & { out: string }) => {
    checkReportFolder(args.out);
    await runReplay(args);
    process.stdout.write(
      "\nUnder sim:xx classes 1–3 stay within about a second through the spike while class 0 absorbs it; under sim:hermod every class slows alike.\n",
    );
    // The report reads the runs back from the store, like `xxbench report` (no state carried over).
    printReportWritten(await reportForCli({ db: args.db, choice: { latest: true }, outDir: args.out }));
    process.stdout.write("Next: `xxbench report --help`, `xxbench sweep --dry-run`, or `xxbench replay --help` for your own workload.\n");
  },
};
