import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { runCliInProcess as runMain } from "../../support/run-cli-in-process.ts";
import { useTempDirs } from "../../support/temp-dir.ts";

const tempDir = useTempDirs();

it("--write-handler writes the bundled worker wrapper: one ES module with no imports outside Node's own", async () => {
  const file = join(tempDir(), "worker.mjs");
  const r = await runMain(["lambda", "mu", "--write-handler", file]);
  expect(r).toMatchObject({ code: 0, stdout: `wrote the μ worker wrapper to ${file}\n` });
  const code = readFileSync(file, "utf8");
  expect(code).toMatch(/export\s*\{[^}]*\bhandler\b/);
  const imports = [...code.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]);
  expect(imports.every((name) => name!.startsWith("node:")), imports.join(", ")).toBe(true);
});

describe("xxbench lambda mu: bad input", () => {
  it.each([
    [["--tasks", "0"], "xxbench: --tasks must be a whole number of tasks from 1 to 100000 (got 0)\n"],
    [["--memory-mb", "1024"], "xxbench: --memory-mb must give a worker at least 2 vCPUs, i.e. 1770 MB or more: one vCPU is kept for polling (got 1024)\n"],
    [["--concurrency-cap", "2.5"], "xxbench: --concurrency-cap must be a whole number of workers from 1 to 1000 (got 2.5)\n"],
    [["--source-px", "64", "--thumb-px", "100"], "xxbench: --thumb-px must be a whole number of pixels (at most --source-px) from 1 to 64 (got 100)\n"],
    [["--lease-ms", "30", "--poll-ms", "20"], "xxbench: --lease-ms must be more than twice --poll-ms, or a live worker's leases run out between its polls (got 30 and 20)\n"],
    [[], "xxbench: lambda mu needs a Lambda API on this machine in AWS_ENDPOINT_URL_LAMBDA (e.g. http://127.0.0.1:3002): its coordinator listens on loopback only (got none)\n"],
  ])("%j is one line, exit 2", async (flags, message) => {
    vi.stubEnv("AWS_ENDPOINT_URL_LAMBDA", "");
    vi.stubEnv("AWS_ENDPOINT_URL", "");
    delete process.env["AWS_ENDPOINT_URL_LAMBDA"];
    delete process.env["AWS_ENDPOINT_URL"];
    try {
      const r = await runMain(["lambda", "mu", ...flags]);
      expect(r.stderr).toBe(message);
      expect(r.code).toBe(2);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("refuses an endpoint off this machine: the workers could not reach the loopback coordinator", async () => {
    vi.stubEnv("AWS_ENDPOINT_URL_LAMBDA", "https://lambda.us-east-1.amazonaws.com");
    try {
      const r = await runMain(["lambda", "mu"]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^xxbench: lambda mu needs a Lambda API on this machine .* \(got https:\/\/lambda\.us-east-1\.amazonaws\.com\)\n$/);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
