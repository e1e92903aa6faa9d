import type { Argv } from "yargs";
import { endpointFromEnvironment } from "../../../adapters/lambda/lambda-backend.ts";
import { deployLambda, LambdaDeployError } from "../../../adapters/lambda/lambda-deploy.ts";
import { buildHandlerBundle } from "../../../adapters/lambda/handler-bundle.ts";
import { defaultLambdaFunctionName } from "../../../adapters/lambda/lambda-function-map.ts";
import { fitSuggestions, formatLambdaPlan, planLambda } from "../../../adapters/lambda/lambda-plan.ts";
import { lambdaArchitectures, lambdaPrice, LambdaPriceError, type LambdaArchitecture } from "../../../adapters/lambda/lambda-prices.ts";
import { probeDefaults, probeSpecErrors, type ProbeSpec } from "../../../adapters/lambda/probe-trace.ts";
import { resolveNetworkOptions } from "../../../adapters/network/network-options.ts";
import { simDefaults } from "../../../adapters/sim/sim-config.ts";
import { formatUsd } from "../../../reports/format-usd.ts";
import { reportFromStore } from "../../../reports/report-from-store.ts";
import { reportPresets } from "../../../reports/report-presets.ts";
import { accountConcurrencyQuota } from "../../lambda/account-quota.ts";
import { probeSweep, runLambdaProbe } from "../../lambda/run-probe.ts";
import { RunStore } from "../../store/run-store.ts";
import { abortOnInterrupt } from "../interrupt.ts";
import { dbOption, seedOption } from "../options/common-options.ts";
import { syntheticOptions, type SyntheticArgs } from "../options/synthetic-options.ts";
import { realTraceOptions, traceFromArgs, traceSpecHelp } from "../options/trace-from-args.ts";
import { throwIfErrors, UsageError } from "../usage-error.ts";
import { muLambdaCommand } from "./mu-lambda-command.ts";

const regionOption = { region: { type: "string", describe: "AWS region (default $AWS_REGION, then $AWS_DEFAULT_REGION)" } } as const;
const archOption = { arch: { type: "string", choices: lambdaArchitectures, default: "x86_64", describe: "Function architecture (its price)" } } as const;

/** Credentials are never flags: the SDK's standard chain (environment, shared config, SSO, instance role) only. */
function regionOf(given: string | undefined): string {
  const region = given ?? process.env["AWS_REGION"] ?? process.env["AWS_DEFAULT_REGION"];
  if (region === undefined || region === "") throw new UsageError("no AWS region: pass --region or set AWS_REGION");
  try {
    lambdaPrice(region);
  } catch (error) {
    if (error instanceof LambdaPriceError) throw new UsageError(error.message);
    throw error;
  }
  return region;
}

interface DeployArgs {
  region?: string;
  role?: string;
  "memory-mb": number[];
  arch: LambdaArchitecture;
  "function-name": string;
  "timeout-s": number;
}

const deployCommand = {
  command: "deploy",
  describe: "Create or update the synthetic-work function (built from this repo) at each memory size; never touches a function xxbench did not create",
  builder: (y: Argv) =>
    y.options({
      ...regionOption,
      ...archOption,
      role: { type: "string", describe: "Execution role ARN for a new function (default $XXBENCH_LAMBDA_ROLE_ARN)" },
      "memory-mb": { type: "number", array: true, default: [128], describe: "Memory sizes, MB (several: one function each, named <name>-<MB>mb)" },
      "function-name": { type: "string", default: defaultLambdaFunctionName, describe: "Function name" },
      "timeout-s": { type: "number", default: 30, describe: "Function timeout, s" },
    }),
  handler: async (args: DeployArgs) => {
    const region = regionOf(args.region);
    const bad = args["memory-mb"].filter((mb) => !Number.isInteger(mb) || mb < 128 || mb > 10240);
    if (bad.length > 0) throw new UsageError(`--memory-mb must be whole MB from 128 to 10240 (got ${bad.join(", ")})`);
    if (!Number.isInteger(args["timeout-s"]) || args["timeout-s"] < 1 || args["timeout-s"] > 900) throw new UsageError(`--timeout-s must be whole seconds from 1 to 900 (got ${args["timeout-s"]})`);
    const roleArn = args.role ?? process.env["XXBENCH_LAMBDA_ROLE_ARN"];
    const endpoint = endpointFromEnvironment();
    try {
      await deployLambda(
        { region, functionName: args["function-name"], memoryMb: args["memory-mb"], arch: args.arch, timeoutS: args["timeout-s"], ...(roleArn ? { roleArn } : {}), ...(endpoint ? { endpoint } : {}) },
        await buildHandlerBundle(),
        (line) => process.stdout.write(`${line}\n`),
      );
    } catch (error) {
      if (error instanceof LambdaDeployError) throw new UsageError(error.message);
      const aws = awsErrorLine(error);
      if (aws !== undefined) throw new UsageError(`lambda deploy in ${region}: ${aws}`);
      throw error;
    }
  },
};

/**
 * What AWS refused, in one line: missing credentials, or a service error (it carries the HTTP
 * metadata the SDK attaches). Anything else is ours and keeps its stack.
 */
function awsErrorLine(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const first = error.message.split("\n")[0] ?? "";
  if (error.name === "CredentialsProviderError") return `no AWS credentials in the standard chain (environment, shared config, SSO, instance role): ${first}`;
  if (Object.hasOwn(error, "$metadata")) return `${error.name}: ${first}`;
  return undefined;
}

interface ProbeArgs {
  region?: string;
  arch: LambdaArchitecture;
  invocations: number;
  "max-gap-s": number;
  "work-ms": number;
  "memory-mb": number;
  "function-name": string;
  "timeout-ms": number;
  seed: number;
  db: string;
  out?: string;
}

const probeCommand = {
  command: "probe",
  describe: "The seeds' experiment: a 20 ms sleep at uniform 0–10 min gaps through lambda:REGION, then its report panel (cold vs warm, setup / init / execution)",
  builder: (y: Argv) =>
    y.options({
      ...regionOption,
      ...archOption,
      invocations: { type: "number", default: probeDefaults.invocations, describe: "Invocations to send" },
      "max-gap-s": { type: "number", default: probeDefaults.maxGapS, describe: "Gaps are uniform in [0, this] seconds" },
      "work-ms": { type: "number", default: probeDefaults.workMs, describe: "Sleep per invocation, ms" },
      "memory-mb": { type: "number", default: 128, describe: "The deployed function's memory, MB (for the estimate)" },
      "function-name": { type: "string", default: defaultLambdaFunctionName, describe: "The deployed synthetic-work function" },
      "timeout-ms": { type: "number", default: 60_000, describe: "Give an invocation up after this many ms" },
      out: { type: "string", describe: "Also write the report panel (`xxbench report --preset probe`) to this folder" },
      ...dbOption,
      ...seedOption,
    }),
  handler: async (args: ProbeArgs) => {
    const region = regionOf(args.region);
    const spec: ProbeSpec = { invocations: args.invocations, maxGapS: args["max-gap-s"], workMs: args["work-ms"], memMb: probeDefaults.memMb, seed: args.seed };
    const { options: network, errors } = resolveNetworkOptions({ timeoutMs: args["timeout-ms"] });
    throwIfErrors([...probeSpecErrors(spec), ...errors]);
    const interrupt = abortOnInterrupt();
    const store = await RunStore.open(args.db);
    try {
      const endpoint = endpointFromEnvironment();
      const run = await runLambdaProbe({
        store,
        region,
        arch: args.arch,
        memoryMb: args["memory-mb"],
        functionName: args["function-name"],
        spec,
        network,
        signal: interrupt.signal,
        command: process.argv.slice(2),
        ...(endpoint ? { endpoint } : {}),
        onPlan: (plan) => process.stderr.write(`xxbench: probe of ${spec.invocations} invocations, about ${((spec.invocations * spec.maxGapS) / 2 / 60).toFixed(0)} min of wall time; estimate ${args.arch} ${formatUsd(plan.usd[args.arch])}\n`),
      }).catch((error: unknown) => {
        if (error instanceof Error && /^(cannot connect|lambda:)/.test(error.message)) throw new UsageError(error.message);
        throw error;
      });
      process.stdout.write(`stored run ${run.runId} (sweep ${probeSweep}) in ${args.db}: ${JSON.stringify(run.summary.outcomes)}\n`);
    } finally {
      interrupt.dispose();
      store.close();
    }
    if (args.out !== undefined) {
      const preset = reportPresets.probe;
      const { written } = await reportFromStore({ db: args.db, choice: { sweep: preset.sweep }, outDir: args.out, title: preset.title, sections: preset.sections });
      process.stdout.write(`report: ${written.index}\n`);
    }
  },
};

type PlanArgs = SyntheticArgs &
  Record<string, unknown> & { trace: string; region?: string; arch: LambdaArchitecture; "memory-mb": number; budget?: number; "check-quota": boolean; seed: number };

const planCommand = {
  command: "plan [trace]",
  describe: "Before spending: a trace's peak concurrency (Little's law per second), GB-seconds, requests and dollars per architecture on Lambda",
  builder: (y: Argv) =>
    y
      .positional("trace", { type: "string", default: "synthetic", describe: traceSpecHelp })
      .options({
        ...regionOption,
        ...archOption,
        "memory-mb": { type: "number", default: 128, describe: "The function's configured memory, MB" },
        budget: { type: "number", describe: "USD to fit into: suggests a sampling factor when over" },
        "check-quota": { type: "boolean", default: false, describe: "Compare with the account's concurrency quota (GetAccountSettings; needs credentials)" },
        ...seedOption,
        ...syntheticOptions,
        ...realTraceOptions,
      }),
  handler: async (args: PlanArgs) => {
    const region = regionOf(args.region);
    const memoryMb = args["memory-mb"];
    if (!Number.isInteger(memoryMb) || memoryMb < 128 || memoryMb > 10240) throw new UsageError(`--memory-mb must be whole MB from 128 to 10240 (got ${memoryMb})`);
    if (args.budget !== undefined && !(args.budget >= 0)) throw new UsageError(`--budget must be US dollars ≥ 0 (got ${args.budget})`);
    const trace = await traceFromArgs(args.trace, args, args.seed, simDefaults.machines * simDefaults.cores);
    const plan = await planLambda(trace, { region, memoryMb, price: lambdaPrice(region) });
    let quota: number | undefined;
    if (args["check-quota"]) {
      const endpoint = endpointFromEnvironment();
      quota = await accountConcurrencyQuota(region, endpoint).catch((error: unknown) => {
        throw new UsageError(error instanceof Error ? error.message : String(error));
      });
    }
    const lines = [formatLambdaPlan(plan), ...(quota !== undefined ? [`account concurrency quota ${quota}`] : []), ...fitSuggestions(plan, { arch: args.arch, ...(args.budget !== undefined ? { budgetUsd: args.budget } : {}), ...(quota !== undefined ? { concurrencyQuota: quota } : {}) })];
    process.stdout.write(`${lines.join("\n")}\n`);
  },
};

export const lambdaCommand = {
  command: "lambda <command>",
  describe: "AWS Lambda: deploy the synthetic-work function, run the seeds' probe, plan a trace's cost",
  builder: (y: Argv) => y.command(deployCommand).command(probeCommand).command(planCommand).command(muLambdaCommand).demandCommand(1, "name a lambda command: deploy, probe, plan, mu"),
  handler: () => undefined,
};
