// @ts-check
/**
 * Mutation testing (`npm run mutation`, not part of `npm test`) of the pure decision modules,
 * the heaps, StreamDigest and ReorderBuffer. Each mutant runs against their direct tests only
 * (vitest.mutation.config.ts), so a run takes minutes; the HTML and JSON reports go to
 * mutation-report/ (gitignored).
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: "vitest",
  vitest: { configFile: "vitest.mutation.config.ts", related: false },
  checkers: [],
  mutate: [
    "adapters/scheduling/**/*.ts",
    "adapters/sim/engine/indexed-min-heap.ts",
    "adapters/sim/engine/slot-heap.ts",
    "harness/replay/stream-digest.ts",
    "traces/azure2021/reorder-buffer.ts",
  ],
  coverageAnalysis: "perTest",
  concurrency: 1,
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: "mutation-report/index.html" },
  jsonReporter: { fileName: "mutation-report/mutation.json" },
  thresholds: { high: 90, low: 85, break: null },
  tempDirName: ".stryker-tmp",
  cleanTempDir: true,
};
