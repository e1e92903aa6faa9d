import type { Argv } from "yargs";
import { runReplay, replayOptions } from "./replay-command.ts";

/** The seeds' Figure 3 workload: medium load, raised above capacity at tick 50, lowered at tick 80. */
export const figure3Phases = "0:0.7,50:1.3,80:0.7";

export const demoCommand = {
  command: "demo",
  describe: "The main job on embedded defaults: the seeds' Figure 3 load spike through sim:xx, sim:hermod and sim:edf",
  builder: (y: Argv) =>
    replayOptions(y)
      .default({ phases: figure3Phases, "duration-s": 120 })
      .example("$0 demo", "about 800 k invocations per backend on 100 machines × 8 cores, into runs/xxbench.duckdb"),
  handler: async (args: Parameters<typeof runReplay>[0]) => {
    await runReplay(args);
    process.stdout.write(
      "\nThe top class (3) keeps its latency through the spike under sim:xx; under sim:hermod every class slows alike.\n" +
        "Next: `xxbench summary --json`, `xxbench runs`, or `xxbench replay --help` for your own workload.\n",
    );
  },
};
