import {
  CreateFunctionCommand,
  GetFunctionCommand,
  LambdaClient,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionActiveV2,
  waitUntilFunctionUpdatedV2,
} from "@aws-sdk/client-lambda";
import { handlerName, handlerRuntime, type HandlerBundle } from "./handler-bundle.ts";
import type { LambdaArchitecture } from "./lambda-prices.ts";

/** The tag that marks a function as created by xxbench: only such a function is ever updated. */
export const ownershipTag = { key: "xxbench:created-by", value: "xxbench" } as const;

/** What deploy does with one function name, decided from what exists under it. */
export type DeployAction = { readonly kind: "create" } | { readonly kind: "update" } | { readonly kind: "refuse"; readonly why: string };

/** A function that exists under the name: its tags (absent when it has none). */
export interface ExistingFunction {
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * Create when nothing is there; update only a function carrying our tag; refuse anything else,
 * so deploy can never overwrite someone's function that happens to share the name. Deploy never
 * deletes.
 */
export function deployAction(name: string, existing: ExistingFunction | undefined): DeployAction {
  if (existing === undefined) return { kind: "create" };
  if (existing.tags?.[ownershipTag.key] === ownershipTag.value) return { kind: "update" };
  return { kind: "refuse", why: `function ${name} exists and was not created by xxbench (no tag ${ownershipTag.key}=${ownershipTag.value}); deploy leaves it alone: pick another --function-name` };
}

export interface DeployRequest {
  readonly region: string;
  /** The execution role; needed only to create a function. */
  readonly roleArn?: string;
  /** The base name; with several memory sizes each function is `<name>-<MB>mb`. */
  readonly functionName: string;
  readonly memoryMb: readonly number[];
  readonly arch: LambdaArchitecture;
  readonly timeoutS: number;
  /** An Invoke-API endpoint other than AWS's (tests: the stand-in on loopback). */
  readonly endpoint?: string;
  /** Longest wait for a function to become active or finish updating, s. */
  readonly maxWaitS?: number;
}

export interface DeployedFunction {
  readonly functionName: string;
  readonly memoryMb: number;
  readonly action: "created" | "updated" | "unchanged";
  readonly functionArn?: string;
}

/** A deploy that must stop: one line (a refused name, a missing role). */
export class LambdaDeployError extends Error {
  override readonly name = "LambdaDeployError";
}

export function deployedName(request: Pick<DeployRequest, "functionName" | "memoryMb">, memoryMb: number): string {
  return request.memoryMb.length > 1 ? `${request.functionName}-${memoryMb}mb` : request.functionName;
}

/**
 * Creates or updates the synthetic-work function at each memory size asked for. Every name is
 * looked up before anything is changed, so a refusal leaves all of them as they were.
 * Credentials come from the SDK's standard chain only.
 */
export async function deployLambda(request: DeployRequest, bundle: HandlerBundle, onLine: (line: string) => void = () => undefined): Promise<DeployedFunction[]> {
  process.env["AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"] ??= "true";
  const client = new LambdaClient({ region: request.region, maxAttempts: 3, ...(request.endpoint !== undefined ? { endpoint: request.endpoint } : {}) });
  const waiter = { client, maxWaitTime: request.maxWaitS ?? 300, minDelay: 1, maxDelay: 5 };
  try {
    const plans: { name: string; memoryMb: number; action: DeployAction; current?: { memoryMb?: number; timeoutS?: number; sha256?: string; arch?: string } }[] = [];
    for (const memoryMb of request.memoryMb) {
      const name = deployedName(request, memoryMb);
      const existing = await getFunction(client, name);
      const action = deployAction(name, existing);
      if (action.kind === "refuse") throw new LambdaDeployError(action.why);
      if (action.kind === "create" && request.roleArn === undefined) throw new LambdaDeployError(`creating ${name} needs an execution role: pass --role ARN or set XXBENCH_LAMBDA_ROLE_ARN`);
      plans.push({ name, memoryMb, action, ...(existing ? { current: existing.current } : {}) });
    }
    const deployed: DeployedFunction[] = [];
    for (const plan of plans) {
      if (plan.action.kind === "create") {
        const out = await client.send(
          new CreateFunctionCommand({
            FunctionName: plan.name,
            Runtime: handlerRuntime,
            Handler: handlerName,
            Role: request.roleArn,
            Code: { ZipFile: bundle.zip },
            MemorySize: plan.memoryMb,
            Timeout: request.timeoutS,
            Architectures: [request.arch],
            Description: "xxbench synthetic work: runs the payload's workMs/memPeakMb (created by xxbench lambda deploy)",
            Tags: { [ownershipTag.key]: ownershipTag.value },
          }),
        );
        await waitUntilFunctionActiveV2(waiter, { FunctionName: plan.name });
        onLine(`created ${plan.name} (${plan.memoryMb} MB, ${request.arch})`);
        deployed.push({ functionName: plan.name, memoryMb: plan.memoryMb, action: "created", ...(out.FunctionArn ? { functionArn: out.FunctionArn } : {}) });
        continue;
      }
      const current = plan.current ?? {};
      const codeChanged = current.sha256 !== bundle.sha256 || current.arch !== request.arch;
      const configChanged = current.memoryMb !== plan.memoryMb || current.timeoutS !== request.timeoutS;
      if (codeChanged) {
        await client.send(new UpdateFunctionCodeCommand({ FunctionName: plan.name, ZipFile: bundle.zip, Architectures: [request.arch] }));
        await waitUntilFunctionUpdatedV2(waiter, { FunctionName: plan.name });
      }
      if (configChanged) {
        await client.send(new UpdateFunctionConfigurationCommand({ FunctionName: plan.name, MemorySize: plan.memoryMb, Timeout: request.timeoutS }));
        await waitUntilFunctionUpdatedV2(waiter, { FunctionName: plan.name });
      }
      const action = codeChanged || configChanged ? "updated" : "unchanged";
      onLine(`${action} ${plan.name} (${plan.memoryMb} MB, ${request.arch})`);
      deployed.push({ functionName: plan.name, memoryMb: plan.memoryMb, action });
    }
    return deployed;
  } finally {
    client.destroy();
  }
}

async function getFunction(client: LambdaClient, name: string): Promise<(ExistingFunction & { current: { memoryMb?: number; timeoutS?: number; sha256?: string; arch?: string } }) | undefined> {
  try {
    const out = await client.send(new GetFunctionCommand({ FunctionName: name }));
    const c = out.Configuration;
    return {
      ...(out.Tags ? { tags: out.Tags } : {}),
      current: {
        ...(c?.MemorySize !== undefined ? { memoryMb: c.MemorySize } : {}),
        ...(c?.Timeout !== undefined ? { timeoutS: c.Timeout } : {}),
        ...(c?.CodeSha256 !== undefined ? { sha256: c.CodeSha256 } : {}),
        ...(c?.Architectures?.[0] !== undefined ? { arch: c.Architectures[0] } : {}),
      },
    };
  } catch (error) {
    if ((error as { name?: string }).name === "ResourceNotFoundException") return undefined;
    throw error;
  }
}
