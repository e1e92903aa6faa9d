import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const config = fileURLToPath(new URL("./fixtures/leak-check/vitest.config.ts", import.meta.url));
const vitest = fileURLToPath(new URL("../../node_modules/vitest/vitest.mjs", import.meta.url));

function runFixture(leak: string): { code: number | null; output: string } {
  const r = spawnSync(process.execPath, [vitest, "run", "--config", config, "--reporter=dot"], { env: { ...process.env, LEAK: leak }, encoding: "utf8" });
  return { code: r.status, output: r.stdout + r.stderr };
}

describe("the leak check (vitest globalSetup)", () => {
  it("passes a run whose tests leave nothing behind", () => {
    const r = runFixture("");
    expect(r.output).not.toContain("tests left");
    expect(r.code).toBe(0);
  });

  it("fails a run whose passing tests leave temp dirs and a process, naming them", () => {
    const r = runFixture("dirs,process");
    expect(r.code).toBe(1);
    expect(r.output).toContain("tests left 2 entries in the temp folder (now removed): xxbench-leaky-* ×2");
    expect(r.output).toMatch(/tests left 1 processes running \(now killed\):\n\s+pid \d+: sleep 300/);
  });
});
