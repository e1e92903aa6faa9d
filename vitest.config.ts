import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Fails the run when a test leaves files in the temp folder or processes running.
    globalSetup: ["test/support/leak-check.global-setup.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // The JSON results feed .ci/run's closing "N passed, N failed" line.
    reporters: ["default", ["json", { outputFile: "test-results/vitest.json" }]],
  },
});
