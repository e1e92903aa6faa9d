import yargs from "yargs";
import { ReplayInterruptedError } from "../replay/replay.ts";
import { demoCommand } from "./commands/demo-command.ts";
import { exportCommand } from "./commands/export-command.ts";
import { functionsCommand } from "./commands/functions-command.ts";
import { clusterCommand } from "./commands/cluster-command.ts";
import { importCommand } from "./commands/import-command.ts";
import { lambdaCommand } from "./commands/lambda-command.ts";
import { replayCommand } from "./commands/replay-command.ts";
import { reportCommand } from "./commands/report-command.ts";
import { runsCommand } from "./commands/runs-command.ts";
import { summaryCommand } from "./commands/summary-command.ts";
import { sqlCommand } from "./commands/sql-command.ts";
import { sweepCommand } from "./commands/sweep-command.ts";
import { UsageError } from "./usage-error.ts";
import { StoreError } from "../store/run-store.ts";
import { isTraceUserError } from "../../traces/trace-spec.ts";
import { traceInspectCommand } from "./commands/trace-inspect-command.ts";
import { refuseNotANumber } from "./not-a-number.ts";
import { ReportInputError } from "../../reports/report-input-error.ts";

/** Errors whose message is the whole story for the user: no stack trace. */
function isUserFacing(error: unknown): error is Error {
  return (
    error instanceof UsageError ||
    error instanceof StoreError ||
    error instanceof ReportInputError ||
    (error instanceof Error && isTraceUserError(error))
  );
}

export async function main(argv: string[]): Promise<number> {
  const cli = yargs(argv)
    .scriptName("xxbench")
    .usage("$0 <command> [options]\n\nReplay serverless traces through schedulers and compare them from one DuckDB store.")
    .command(demoCommand)
    .command(replayCommand)
    .command(runsCommand)
    .command(summaryCommand)
    .command(sqlCommand)
    .command(traceInspectCommand)
    .command(reportCommand)
    .command(sweepCommand)
    .command(exportCommand)
    .command(importCommand)
    .command(functionsCommand)
    .command(lambdaCommand)
    .command(clusterCommand)
    .demandCommand(1, "name a command: demo, replay, runs, summary, sql, report, sweep, export, import, functions, lambda, cluster, trace (xxbench --help lists them)")
    .strict()
    .middleware((args) => refuseNotANumber(args, argv), true)
    .recommendCommands()
    .fail((message: string | null, error: Error | undefined) => {
      // yargs calls this for its own validation (message set) and for errors thrown by handlers.
      if (error) throw error;
      let text = (message ?? "invalid command line").replace(/\s*\n\s*/g, " ");
      // yargs's suggestion alone ("Did you mean sql?") does not say what was not understood.
      if (/^Did you mean/.test(text)) text = `Unknown argument: ${argv.find((a) => !a.startsWith("-")) ?? argv[0] ?? ""}. ${text}`;
      throw new UsageError(`${text} (see xxbench --help)`);
    })
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .epilogue("Docs: README.md. Every command takes --help.");
  try {
    await cli.parseAsync();
    return 0;
  } catch (error) {
    if (error instanceof ReplayInterruptedError) {
      process.stderr.write(`xxbench: ${error.message}\n`);
      return 130;
    }
    if (isUserFacing(error)) {
      process.stderr.write(`xxbench: ${error.message}\n`);
      return 2;
    }
    process.stderr.write(`xxbench: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }
}
