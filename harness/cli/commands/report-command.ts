import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Argv } from "yargs";
import { sectionNames, type SectionName } from "../../../reports/build-report.ts";
import { ReportInputError, reportFromStore, type ReportRequest, type ReportResult } from "../../../reports/report-from-store.ts";
import { reportPresets, type ReportPresetName } from "../../../reports/report-presets.ts";
import { dbOption } from "../options/common-options.ts";
import { UsageError } from "../usage-error.ts";

interface ReportArgs {
  db: string;
  runs?: number[];
  latest?: boolean;
  sweep?: string;
  out: string;
  preset?: string;
  section?: string[];
  "include-incomplete": boolean;
}

/** The report library's "no such runs" becomes the CLI's one-line usage error (exit 2). */
export async function reportForCli(request: ReportRequest): Promise<ReportResult> {
  try {
    return await reportFromStore(request);
  } catch (error) {
    if (error instanceof ReportInputError) throw new UsageError(error.message);
    throw error;
  }
}

/** Prints where the report went: the page to open first, then the rest. */
export function printReportWritten(result: ReportResult): void {
  const { written, report } = result;
  const { totalMs } = result.timings;
  if (totalMs === undefined) throw new Error(`the report's timings have no totalMs (it has ${Object.keys(result.timings).join(", ")})`);
  for (const w of report.warnings) process.stderr.write(`xxbench: warning: ${w}\n`);
  process.stdout.write(
    `report of ${report.runs.length} run${report.runs.length === 1 ? "" : "s"} written to ${written.dir} in ${(totalMs / 1000).toFixed(1)} s ` +
      `(${report.charts.length} charts as SVG and PNG, summary.md, summary.json)\n` +
      `open ${pathToFileURL(written.index).href}\n`,
  );
}

export const reportCommand = {
  command: "report",
  describe: "Build the HTML/SVG/PNG report and summary.md/json of stored runs, from the store alone",
  builder: (y: Argv) =>
    y
      .options({
        ...dbOption,
        runs: { type: "number", array: true, describe: "Run ids to report (default: the latest replay or sweep)" },
        latest: { type: "boolean", describe: "The runs of the latest replay or sweep (the default)" },
        sweep: { type: "string", describe: "Every run of the named sweep" },
        out: { type: "string", default: "runs/report", describe: "Folder for index.html, summary.md/json and charts/" },
        preset: { type: "string", choices: Object.keys(reportPresets), describe: "A figure of the seeds from its sweep (run `xxbench sweep --preset …` first)" },
        section: { type: "string", array: true, choices: sectionNames, describe: "Only these sections" },
        "include-incomplete": { type: "boolean", default: false, describe: "Also report failed or interrupted runs" },
      })
      .conflicts("runs", ["latest", "sweep"])
      .example("$0 report", "the latest replay's runs into runs/report/index.html")
      .example("$0 report --runs 4 5 6 --out /tmp/r", "chosen runs")
      .example("$0 report --preset fig4", "the seeds' Figure 4 from the runs of `xxbench sweep --preset fig4`"),
  handler: async (args: ReportArgs) => {
    const preset = args.preset !== undefined ? reportPresets[args.preset as ReportPresetName] : undefined;
    const sweep = args.sweep ?? preset?.sweep;
    const runIds = args.runs !== undefined && args.runs.length > 0 ? args.runs : undefined;
    if (runIds?.some((id) => !Number.isInteger(id))) throw new UsageError(`--runs takes run ids (see \`xxbench runs\`)`);
    const sections = (args.section as SectionName[] | undefined) ?? preset?.sections;
    try {
      const result = await reportForCli({
        db: args.db,
        outDir: resolve(args.out),
        choice: {
          ...(runIds !== undefined ? { runIds } : sweep !== undefined ? { sweep } : { latest: true }),
          includeIncomplete: args["include-incomplete"],
        },
        ...(sections ? { sections } : {}),
        ...(preset ? { title: preset.title } : {}),
      });
      printReportWritten(result);
    } catch (error) {
      if (preset && error instanceof Error && /no complete sweep/.test(error.message)) {
        throw new UsageError(`${error.message.replace(/; run .*$/, "")}: run \`xxbench sweep --preset ${args.preset} --db ${args.db}\` first (it writes this report too)`);
      }
      throw error;
    }
  },
};
