import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RunStore } from "../../harness/store/run-store.ts";

/**
 * A store in a fresh temp file (run writers need a real file: they append from a worker thread),
 * and the way to close and delete it. Suites open one in `beforeAll` and dispose of it in `afterAll`.
 */
export async function openTempStore(): Promise<{ store: RunStore; dispose: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), "xxbench-store-"));
  const store = await RunStore.open(join(dir, "test.duckdb"));
  return {
    store,
    dispose: () => {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
