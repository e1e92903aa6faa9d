import { defineConfig } from "vitest/config";

/**
 * The tests `npm run mutation` runs against each mutant: the direct tests of the pure decision
 * modules, the heaps, StreamDigest and ReorderBuffer. The simulator's scenario tests would
 * catch more but cost minutes per mutant on a 2-core machine; a mutant only they catch is a
 * hole in the direct tests.
 */
export default defineConfig({
  test: {
    include: [
      "test/adapters/scheduling/*.test.ts",
      "test/adapters/sim/engine/*.test.ts",
      "test/harness/replay/stream-digest.test.ts",
      "test/traces/azure2021/reorder-buffer.test.ts",
    ],
    // Whole sim:xx runs, seconds each: a scenario test, not a direct one.
    exclude: ["test/adapters/scheduling/xx-refactor-identity.test.ts"],
  },
});
