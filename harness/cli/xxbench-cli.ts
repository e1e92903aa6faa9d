import yargs from "yargs";
import { ReplayInterruptedError } from "../replay/replay.ts";
import { demoCommand } from "./commands/demo-command.ts";
import { exportCommand } from "./commands/export-command.ts";
import { importCommand } from "./commands/import-command.ts";
import { replayCommand } from "./commands/replay-command.ts";
import { reportCommand } from "./commands/report-command.ts";
import { runsCommand } from "./commands/runs-command.ts";
import { summaryCommand } from "./commands/summary-command.ts";
import { sweepCommand } from "./commands/sweep-command.ts";
import { throwIfErrors, UsageError } from "./usage-error.ts";
import { StoreNotFoundError } from "../store/run-store.ts";
import { isTraceUserError } from "../../traces/trace-spec.ts";
import { traceInspectCommand } from "./commands/trace-inspect-command.ts";

/** Errors whose message is the whole story for the user: no stack trace. */
function isUserFacing(error: unknown): error is Error {
  return error instanceof UsageError || error instanceof StoreNotFoundError || (error instanceof Error && isTraceUserError(error));
}

export async function main(argv: string[]): Promise<number> {
  const cli = yargs(argv)
    .scriptName("xxbench")
    .usage("$0 <command> [options]\n\nReplay serverless traces through schedulers and compare them from one DuckDB store.")
    .command(demoCommand)
    .command(replayCommand)
    .command(runsCommand)
    .command(summaryCommand)
    .command(traceInspectCommand)
    .command(reportCommand)
    .command(sweepCommand)
    .command(exportCommand)
    .command(importCommand)
    .demandCommand(1, "name a command: demo, replay, runs, summary, report, sweep, export, import (xxbench --help lists them)")
    .strict()
    .middleware((args) => refuseNotANumber(args, argv), true)
    .recommendCommands()
    .fail((message: string | null, error: Error | undefined) => {
      // yargs calls this for its own validation (message set) and for errors thrown by handlers.
      throw error ?? new UsageError(`${(message ?? "invalid command line").replace(/\s*\n\s*/g, " ")} (see xxbench --help)`);
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

/**
 * yargs turns a number flag's non-numeric text into NaN and lets it through; every check
 * after that would print "got NaN". Refuse it here, quoting what the user typed.
 */
export function refuseNotANumber(argv: Readonly<Record<string, unknown>>, rawArgs: readonly string[]): void {
  const errors: string[] = [];
  for (const [key, value] of Object.entries(argv)) {
    // yargs also sets a camelCase alias of every kebab-case flag; report each flag once.
    if (/[A-Z]/.test(key) || key === "_" || key === "$0") continue;
    const values = Array.isArray(value) ? (value as unknown[]) : [value];
    if (!values.some((v) => typeof v === "number" && Number.isNaN(v))) continue;
    const flag = key.length === 1 ? `-${key}` : `--${key}`;
    const typed = typedText(rawArgs, flag);
    errors.push(`${flag} must be a number${typed === undefined ? "" : ` (got "${typed}")`}`);
  }
  throwIfErrors(errors);
}

/** The text given to `flag` on the command line (`--flag text` or `--flag=text`), if it can be found. */
function typedText(rawArgs: readonly string[], flag: string): string | undefined {
  for (let i = 0; i < rawArgs.length; i++) {
    const arg = rawArgs[i]!;
    if (arg === flag) return rawArgs[i + 1];
    if (arg.startsWith(`${flag}=`)) return arg.slice(flag.length + 1);
  }
  return undefined;
}
