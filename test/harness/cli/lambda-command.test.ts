import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { RunStore } from "../../../harness/store/run-store.ts";
import { startInvokeApiStandIn, type InvokeApiStandIn } from "../../support/invoke-api-stand-in.ts";
import { runCliInProcess as runMain } from "../../support/run-cli-in-process.ts";
import { useTempDirs } from "../../support/temp-dir.ts";

const tempDir = useTempDirs();
let server: InvokeApiStandIn;

beforeAll(async () => {
  server = await startInvokeApiStandIn({ concurrencyQuota: 4 });
});
afterAll(async () => {
  await server?.close();
  vi.unstubAllEnvs();
});
beforeEach(() => {
  // The standard variables the SDK itself reads: fake keys, and the stand-in as the endpoint.
  vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIDSTANDIN");
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", "stand-in-secret");
  vi.stubEnv("AWS_ENDPOINT_URL_LAMBDA", server.url);
  vi.stubEnv("AWS_REGION", "");
  vi.stubEnv("AWS_DEFAULT_REGION", "");
});

const small = ["--rate", "20", "--duration-s", "1", "--work-mean-ms", "5", "--work-sd-ms", "0", "--arrivals", "constant"];

describe("xxbench replay --backend lambda:REGION (Invoke-API stand-in via AWS_ENDPOINT_URL_LAMBDA)", () => {
  it("stand-in: stores a complete run with REPORT columns, the region and endpoint in its config, no credential anywhere", async () => {
    const db = join(tempDir(), "l.duckdb");
    const r = await runMain(["replay", ...small, "--backend", "lambda:us-east-1?mode=sleep", "--max-lateness-ms", "1000", "--max-cost", "1", "--db", db]);
    expect(r.stderr).toMatch(/^xxbench: Lambda estimate: lambda:us-east-1\?mode=sleep \$\d/m);
    expect(r.code).toBe(0);
    const store = await RunStore.open(db, { readOnly: true });
    try {
      const [run] = await store.query(`SELECT status, config::VARCHAR AS config, manifest::VARCHAR AS manifest FROM runs`);
      expect(run!.status).toBe("complete");
      expect(JSON.parse(String(run!.config))).toMatchObject({ region: "us-east-1", endpoint: server.url, billingModel: "lambda-x86" });
      expect(`${String(run!.config)} ${String(run!.manifest)}`).not.toMatch(/stand-in-secret|AKIDSTANDIN/);
      const [rows] = await store.query(`SELECT count(*)::INTEGER AS n, count(billed_ms)::INTEGER AS billed, count(setup_ms)::INTEGER AS setup, sum(retries)::INTEGER AS retries FROM outcomes`);
      const n = Number(rows!.n);
      expect([19, 20]).toContain(n);
      expect(rows).toEqual({ n, billed: n, setup: n, retries: 0 });
    } finally {
      store.close();
    }
  });

  it("refuses past --max-cost before anything is sent or stored, says how to fit, and --accept-cost overrides", async () => {
    const db = join(tempDir(), "c.duckdb");
    const received = server.counts.received;
    const r = await runMain(["replay", ...small, "--backend", "lambda:us-east-1", "--max-cost", "0.000001", "--db", db]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^xxbench: estimated \$0\.00000\d+ exceeds --max-cost 0\.000001 USD .* keep at most 2\d % of the invocations .*; pass --accept-cost to run anyway\n$/);
    expect(existsSync(db)).toBe(false);
    expect(server.counts.received).toBe(received);
    const accepted = await runMain(["replay", ...small, "--backend", "lambda:us-east-1", "--max-cost", "0.000001", "--accept-cost", "--max-lateness-ms", "1000", "--quiet", "--db", db]);
    expect(accepted.code).toBe(0);
    expect([received + 19, received + 20]).toContain(server.counts.received);
  });

  it("--max-cost without a lambda: backend is refused in one line", async () => {
    const r = await runMain(["replay", ...small, "--backend", "sim:xx", "--max-cost", "1", "--db", join(tempDir(), "x.duckdb")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("xxbench: --max-cost has no effect without a lambda: backend\n");
  });
});

describe("xxbench lambda (stand-in)", () => {
  it("plan: peak concurrency by Little's law, GB-s, $ per arch, and the quota from GetAccountSettings with how to fit", async () => {
    const r = await runMain(["lambda", "plan", "--rate", "100", "--duration-s", "10", "--work-mean-ms", "100", "--work-sd-ms", "0", "--arrivals", "constant", "--region", "eu-west-3", "--memory-mb", "1024", "--check-quota"]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^(999|1,000) requests over 10\.\d s in eu-west-3 at 1024 MB$/);
    expect(lines[1]).toMatch(/^peak concurrency 10\.\d \(mean over second \d, Little's law\)$/);
    expect(lines[2]).toMatch(/^\d+\.\d{3} GB-s billed \(init of cold starts not included\)$/);
    expect(lines[3]).toMatch(/^x86_64: \$0\.00\d+$/);
    expect(lines[4]).toMatch(/^arm64: \$0\.00\d+$/);
    expect(lines[5]).toBe("account concurrency quota 4");
    expect(lines[6]).toMatch(/^peak concurrency 10\.\d exceeds the account's quota of 4: expect 429s; slow the trace by 2\.[56]×/);
  });

  it("deploy: creates the tagged function from the repo's handler; probe: runs the preset trace into the store", async () => {
    const db = join(tempDir(), "p.duckdb");
    const deployed = await runMain(["lambda", "deploy", "--region", "us-east-1", "--role", "arn:aws:iam::000000000000:role/x", "--function-name", "cli-probe"]);
    expect(deployed).toMatchObject({ code: 0, stdout: "created cli-probe (128 MB, x86_64)\n" });
    expect(server.functions.get("cli-probe")!.tags).toEqual({ "xxbench:created-by": "xxbench" });
    const out = join(tempDir(), "report");
    const probe = await runMain(["lambda", "probe", "--region", "us-east-1", "--invocations", "3", "--max-gap-s", "0.05", "--function-name", "cli-probe", "--db", db, "--out", out]);
    expect(probe.stderr).toMatch(/^xxbench: probe of 3 invocations, about 0 min of wall time; estimate x86_64 \$/);
    expect(probe.code).toBe(0);
    expect(probe.stdout).toMatch(/^stored run 1 \(sweep lambda-probe\) in .*: \{"ok":3,/);
    // The panel is drawn: both charts as SVG, and the summary names cold and warm.
    expect(existsSync(join(out, "charts", "lambda-cold-warm.svg"))).toBe(true);
    expect(existsSync(join(out, "charts", "lambda-breakdown.svg"))).toBe(true);
    expect(readFileSync(join(out, "summary.md"), "utf8")).toContain("## AWS Lambda: cold vs warm, and the bill");
  });

  it.each([
    [["lambda", "plan", "--memory-mb", "64"], "xxbench: no AWS region: pass --region or set AWS_REGION\n"],
    [["lambda", "plan", "--region", "us-east-1", "--memory-mb", "64"], "xxbench: --memory-mb must be whole MB from 128 to 10240 (got 64)\n"],
    [["lambda", "deploy", "--region", "me-south-1"], /^xxbench: no Lambda price for region "me-south-1"/],
    [["lambda", "deploy", "--region", "us-east-1", "--function-name", "needs-role"], "xxbench: creating needs-role needs an execution role: pass --role ARN or set XXBENCH_LAMBDA_ROLE_ARN\n"],
    [["lambda", "probe", "--region", "us-east-1", "--invocations", "0"], "xxbench: --invocations must be a whole number from 1 to 100000 (got 0)\n"],
  ])("bad input is one line, exit 2: %j", async (args, message) => {
    const r = await runMain(args);
    expect(r.code).toBe(2);
    if (typeof message === "string") expect(r.stderr).toBe(message);
    else expect(r.stderr).toMatch(message);
  });
});

it("the README documents the lambda: backend and its commands", () => {
  const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");
  expect(readme).toContain("## The lambda: backend");
});

describe("lambda deploy without AWS credentials", () => {
  it("is one line naming the standard chain and exit 2, not a stack trace (credentials stubbed away; the instance metadata lookup disabled so nothing leaves the machine)", async () => {
    const dir = tempDir();
    vi.stubEnv("AWS_ACCESS_KEY_ID", "");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "");
    vi.stubEnv("AWS_PROFILE", "");
    vi.stubEnv("AWS_SHARED_CREDENTIALS_FILE", join(dir, "no-credentials"));
    vi.stubEnv("AWS_CONFIG_FILE", join(dir, "no-config"));
    vi.stubEnv("AWS_EC2_METADATA_DISABLED", "true");
    vi.stubEnv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "");
    vi.stubEnv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "");
    vi.stubEnv("AWS_WEB_IDENTITY_TOKEN_FILE", "");
    const r = await runMain(["lambda", "deploy", "--region", "eu-west-3", "--role", "arn:aws:iam::123456789012:role/xxbench"]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^xxbench: lambda deploy in eu-west-3: no AWS credentials in the standard chain/);
  });
});
