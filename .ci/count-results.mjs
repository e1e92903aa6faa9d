// Prints "N passed, N failed" from vitest's JSON report. A type-check failure (no report) or a
// failing suite that produced no test results still counts as a failure.
import { existsSync, readFileSync } from "node:fs";

const [file, status] = process.argv.slice(2);
if (!existsSync(file)) {
  console.log("0 passed, 1 failed");
} else {
  const report = JSON.parse(readFileSync(file, "utf8"));
  const failedSuites = report.testResults.filter((s) => s.status === "failed" && s.assertionResults.length === 0).length;
  const failed = report.numFailedTests + failedSuites + (report.numTotalTests === 0 || (status !== "0" && report.numFailedTests === 0 && failedSuites === 0) ? 1 : 0);
  console.log(`${report.numPassedTests} passed, ${failed} failed`);
}
