import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FunctionProcessPool } from "../../../adapters/live/function-process-pool.ts";
import { useTempDirs } from "../../support/temp-dir.ts";

describe("a function module's freshen exports, as a real function process loads them", () => {
  const tempDir = useTempDirs();

  it("reports its chain when it has a freshen hook, and nothing without one", async () => {
    const dir = tempDir();
    const withHook = join(dir, "with.mjs");
    const without = join(dir, "without.mjs");
    writeFileSync(withHook, `export const chain = { f: ["g", "h"] };\nexport async function freshen() {}\nexport async function handler() { return 1; }\n`);
    writeFileSync(without, `export const chain = { f: ["g"] };\nexport async function handler() { return 1; }\n`);
    const pools = await Promise.all([FunctionProcessPool.create(1, withHook), FunctionProcessPool.create(1, without)]);
    try {
      expect(pools.map((p) => p.chain)).toEqual([{ f: ["g", "h"] }, {}]);
    } finally {
      await Promise.all(pools.map((p) => p.close()));
    }
  });

  it.each([
    ["export const freshen = 3;", "exports a freshen that is not a function"],
    ['export const chain = { f: "g" };\nexport async function freshen() {}', "exports a chain that is not"],
  ])("refuses %j (it %s): the process exits before it is ready", async (exports) => {
    const path = join(tempDir(), "bad.mjs");
    writeFileSync(path, `${exports}\nexport async function handler() { return 1; }\n`);
    await expect(FunctionProcessPool.create(1, path)).rejects.toThrow("a function process exited with code 2 before it was ready");
  });
});
