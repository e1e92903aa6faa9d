import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { useTempDirs } from "../../support/temp-dir.ts";

const tempDir = useTempDirs();
const runStore = fileURLToPath(new URL("../../../harness/store/run-store.ts", import.meta.url));

/** Runs `body` in a child process with `store` an open RunStore, TMPDIR pointing at `tmp`. */
function child(tmp: string, body: string): { status: number | null; stderr: string } {
  const script = `import { RunStore } from ${JSON.stringify(runStore)};\nconst store = await RunStore.open(${JSON.stringify(join(tmp, "s.duckdb"))});\n${body}`;
  const result = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { env: { ...process.env, TMPDIR: tmp }, encoding: "utf8", timeout: 60_000 });
  return { status: result.status, stderr: result.stderr };
}

const spillDirs = (tmp: string): string[] => readdirSync(tmp).filter((name) => name.startsWith("xxbench-store-spill-"));

describe("a store's spill directory is gone when its process ends, however it ends", () => {
  it("closed normally", () => {
    const tmp = tempDir();
    expect(child(tmp, `if (${JSON.stringify(tmp)} && !(await import("node:fs")).readdirSync(${JSON.stringify(tmp)}).some((n) => n.startsWith("xxbench-store-spill-"))) process.exit(3);\nstore.close();`).status).toBe(0);
    expect(spillDirs(tmp)).toEqual([]);
  });

  it("an uncaught error with the store still open (a closed pipe, a bug)", () => {
    const tmp = tempDir();
    const result = child(tmp, `throw new Error("boom");`);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("boom");
    expect(spillDirs(tmp)).toEqual([]);
  });

  it("process.exit with the store still open", () => {
    const tmp = tempDir();
    expect(child(tmp, `process.exit(4);`).status).toBe(4);
    expect(spillDirs(tmp)).toEqual([]);
  });
});
