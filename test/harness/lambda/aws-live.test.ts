import { describe, expect, it } from "vitest";
import { buildHandlerBundle } from "../../../adapters/lambda/handler-bundle.ts";
import { deployLambda } from "../../../adapters/lambda/lambda-deploy.ts";
import { defaultNetworkOptions } from "../../../adapters/network/network-options.ts";
import { runLambdaProbe } from "../../../harness/lambda/run-probe.ts";
import { openTempStore } from "../../support/temp-store.ts";

/**
 * Real AWS, opt-in only: `XXBENCH_AWS_LIVE=1` with credentials in the standard chain,
 * `XXBENCH_AWS_REGION` and `XXBENCH_LAMBDA_ROLE_ARN`. It deploys (or updates) the tagged
 * `xxbench-live-probe` function at 128 MB and sends it 5 probe invocations a few seconds apart:
 * a fraction of a cent. Without the variable the suite is skipped, and nothing leaves loopback.
 */
const live = process.env["XXBENCH_AWS_LIVE"] === "1";

describe.skipIf(!live)("real AWS Lambda (XXBENCH_AWS_LIVE=1)", () => {
  it("deploys the function and runs a 5-invocation probe: every answer ok with a REPORT line, the first one cold, the account id recorded", async () => {
    const region = process.env["XXBENCH_AWS_REGION"] ?? process.env["AWS_REGION"] ?? "";
    const roleArn = process.env["XXBENCH_LAMBDA_ROLE_ARN"];
    expect(region, "set XXBENCH_AWS_REGION").not.toBe("");
    await deployLambda({ region, functionName: "xxbench-live-probe", memoryMb: [128], arch: "x86_64", timeoutS: 30, ...(roleArn ? { roleArn } : {}) }, await buildHandlerBundle());
    const { store, dispose } = await openTempStore();
    try {
      const run = await runLambdaProbe({
        store,
        region,
        arch: "x86_64",
        memoryMb: 128,
        functionName: "xxbench-live-probe",
        spec: { invocations: 5, maxGapS: 4, workMs: 20, memMb: 16, seed: 1 },
        network: defaultNetworkOptions,
        signal: new AbortController().signal,
      });
      expect(run.summary.outcomes).toMatchObject({ ok: 5 });
      const rows = await store.query(`SELECT init_ms, billed_ms, memory_size_mb, setup_ms FROM outcomes ORDER BY invocation_id`);
      expect(rows.every((r) => r.billed_ms !== null && r.memory_size_mb === 128)).toBe(true);
      const [config] = await store.query(`SELECT config::VARCHAR AS config FROM runs`);
      expect(JSON.parse(String(config!.config))).toMatchObject({ region, accountId: expect.stringMatching(/^\d{12}$/) });
    } finally {
      dispose();
    }
  }, 600_000);
});
