import { GetAccountSettingsCommand, LambdaClient } from "@aws-sdk/client-lambda";

/**
 * The account's concurrent-executions quota in `region` (GetAccountSettings), from the standard
 * credential chain; throws a one-line Error when it cannot be read (no credentials, no permission).
 */
export async function accountConcurrencyQuota(region: string, endpoint?: string): Promise<number> {
  process.env["AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"] ??= "true";
  const client = new LambdaClient({ region, maxAttempts: 1, ...(endpoint !== undefined ? { endpoint } : {}) });
  try {
    const out = await client.send(new GetAccountSettingsCommand({}));
    const quota = out.AccountLimit?.ConcurrentExecutions;
    if (quota === undefined) throw new Error("GetAccountSettings returned no ConcurrentExecutions");
    return quota;
  } catch (error) {
    const e = error as { name?: string; message?: string };
    throw new Error(`cannot read the concurrency quota of ${region} (${e.name ?? "Error"}: ${(e.message ?? String(error)).split("\n")[0]})`);
  } finally {
    client.destroy();
  }
}
