import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The spill directories of this process's open stores, removed at exit if still there. */
const open = new Set<string>();
let hooked = false;

/**
 * A fresh private directory for DuckDB to spill to. `removeSpillDirectory` removes it when the
 * store closes; if the process ends first (an uncaught error, a closed pipe), an exit hook does,
 * so a failed run leaves nothing in the temporary directory.
 */
export function makeSpillDirectory(): string {
  const dir = mkdtempSync(join(tmpdir(), "xxbench-store-spill-"));
  open.add(dir);
  if (!hooked) {
    hooked = true;
    process.on("exit", () => {
      for (const d of open) rmSync(d, { recursive: true, force: true });
    });
  }
  return dir;
}

export function removeSpillDirectory(dir: string): void {
  open.delete(dir);
  rmSync(dir, { recursive: true, force: true });
}
