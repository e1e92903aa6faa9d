import { describe, expect, it } from "vitest";
import { parseReportLine, readLogTail, type LambdaReport } from "../../../adapters/lambda/report-line.ts";

/**
 * Real REPORT lines, quoted as published (spaces where the page shows spaces, tabs where the
 * source has them). Sources:
 * - warm, 100 ms billing of 2014: https://gist.github.com/qrush/7144a9301f7bc4122a7c
 * - cold with X-Ray fields, 1 ms billing, init not billed: https://docs.baselime.io/advanced/discovered-keys/
 * - cold, init billed (Aug 2025 on; 395.99 + 265.72 → 662): https://github.com/open-telemetry/opentelemetry-lambda/pull/2011
 * - tab-separated with a stray space before a tab: https://app.unpkg.com/aws-data-science@0.2.4/files/test/fixtures/cloudwatch_lambda_log.ts
 * - an error: a runtime that ran out of memory and exited ("Process exited before completing
 *   request"), Max Memory Used above Memory Size: https://gist.github.com/a-h/5760e3f9599a880794bb69c2d0ab4aa2
 */
const realLines: readonly [string, string, LambdaReport][] = [
  [
    "warm, 2014 (100 ms billing steps)",
    "REPORT RequestId: a0537bcb-712d-11e4-8c97-af075a3c0929 Duration: 718.65 ms Billed Duration: 800 ms Memory Size: 128 MB Max Memory Used: 14 MB",
    { requestId: "a0537bcb-712d-11e4-8c97-af075a3c0929", durationMs: 718.65, billedMs: 800, memorySizeMb: 128, maxMemoryUsedMb: 14 },
  ],
  [
    "cold with X-Ray fields after Init Duration",
    "REPORT RequestId: 8fc6f963-411b-58b5-8483-a32130c0f45d Duration: 201.67 ms Billed Duration: 202 ms Memory Size: 2048 MB Max Memory Used: 81 MB Init Duration: 480.25 ms XRAY TraceId: 1-61c86fa4-59b3c6d959653c527fd10966 SegmentId: 107ea78a5750a811 Sampled: true",
    { requestId: "8fc6f963-411b-58b5-8483-a32130c0f45d", durationMs: 201.67, billedMs: 202, memorySizeMb: 2048, maxMemoryUsedMb: 81, initMs: 480.25 },
  ],
  [
    "cold, init billed since August 2025",
    "REPORT RequestId: bf5f58db-ef7d-4cb2-b3c6-266eba1bbedb Duration: 395.99 ms Billed Duration: 662 ms Memory Size: 512 MB Max Memory Used: 301 MB Init Duration: 265.72 ms",
    { requestId: "bf5f58db-ef7d-4cb2-b3c6-266eba1bbedb", durationMs: 395.99, billedMs: 662, memorySizeMb: 512, maxMemoryUsedMb: 301, initMs: 265.72 },
  ],
  [
    "an error: out of memory, the process exited before completing the request (2018)",
    "REPORT RequestId: 16f8d3a2-26fc-11e8-bca6-73dbc61c39e7 Duration: 24792.85 ms Billed Duration: 24800 ms Memory Size: 128 MB Max Memory Used: 129 MB",
    { requestId: "16f8d3a2-26fc-11e8-bca6-73dbc61c39e7", durationMs: 24792.85, billedMs: 24800, memorySizeMb: 128, maxMemoryUsedMb: 129 },
  ],
  [
    "tab-separated, as in the raw log",
    "REPORT RequestId: 6ad2c4d0-1b8e-11ea-9c7c-0242ac130002\tDuration: 1234.56 ms\tBilled Duration: 1200 ms \tMemory Size: 1024 MB\tMax Memory Used: 123 MB\t",
    { requestId: "6ad2c4d0-1b8e-11ea-9c7c-0242ac130002", durationMs: 1234.56, billedMs: 1200, memorySizeMb: 1024, maxMemoryUsedMb: 123 },
  ],
];

/**
 * Timeouts and errors: the search found them described (a Duration equal to the timeout, a
 * "Task timed out after 3.00 seconds" line, https://www.smplogs.com/guides/lambda-timeouts) but
 * quoted nowhere verbatim, so these are built in the documented field format; their test names
 * say so.
 */
const builtLines: readonly [string, string, LambdaReport][] = [
  [
    "built: a timeout with Status",
    "REPORT RequestId: 0b6a3a54-5e0b-4b2f-9b8e-1f4f5c9d2a11\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\tMax Memory Used: 41 MB\tStatus: timeout",
    { requestId: "0b6a3a54-5e0b-4b2f-9b8e-1f4f5c9d2a11", durationMs: 3000, billedMs: 3000, memorySizeMb: 128, maxMemoryUsedMb: 41, status: "timeout" },
  ],
  [
    "built: a crashed runtime with Status and Error Type, cold",
    "REPORT RequestId: 2c1e7f10-aa3b-4c1d-8e2f-3b4c5d6e7f80\tDuration: 12.40 ms\tBilled Duration: 175 ms\tMemory Size: 256 MB\tMax Memory Used: 60 MB\tInit Duration: 162.31 ms\tStatus: error\tError Type: Runtime.ExitError",
    { requestId: "2c1e7f10-aa3b-4c1d-8e2f-3b4c5d6e7f80", durationMs: 12.4, billedMs: 175, memorySizeMb: 256, maxMemoryUsedMb: 60, initMs: 162.31, status: "error", errorType: "Runtime.ExitError" },
  ],
];

describe("parseReportLine", () => {
  it.each(realLines)("real REPORT line: %s", (_name, line, expected) => {
    expect(parseReportLine(line)).toEqual(expected);
  });

  it.each(builtLines)("%s", (_name, line, expected) => {
    expect(parseReportLine(line)).toEqual(expected);
  });

  it.each([
    ["not a REPORT line", "END RequestId: a0537bcb-712d-11e4-8c97-af075a3c0929"],
    ["no Billed Duration", "REPORT RequestId: x Duration: 1.00 ms Memory Size: 128 MB Max Memory Used: 14 MB"],
    ["a Duration without its unit", "REPORT RequestId: x Duration: 1.00 Billed Duration: 2 ms Memory Size: 128 MB Max Memory Used: 14 MB"],
    ["empty", ""],
  ])("refuses a partial line: %s", (_name, line) => {
    expect(parseReportLine(line)).toBeUndefined();
  });
});

describe("readLogTail", () => {
  it("takes the REPORT line from a whole tail and sees an old-style timeout line", () => {
    const tail = [
      "START RequestId: 0b6a3a54-5e0b-4b2f-9b8e-1f4f5c9d2a11 Version: $LATEST",
      "2026-12-01T10:00:03.000Z 0b6a3a54-5e0b-4b2f-9b8e-1f4f5c9d2a11 Task timed out after 3.00 seconds",
      "END RequestId: 0b6a3a54-5e0b-4b2f-9b8e-1f4f5c9d2a11",
      "REPORT RequestId: 0b6a3a54-5e0b-4b2f-9b8e-1f4f5c9d2a11\tDuration: 3003.16 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\tMax Memory Used: 41 MB\t",
      "",
    ].join("\n");
    expect(readLogTail(tail)).toEqual({
      report: { requestId: "0b6a3a54-5e0b-4b2f-9b8e-1f4f5c9d2a11", durationMs: 3003.16, billedMs: 3000, memorySizeMb: 128, maxMemoryUsedMb: 41 },
      timedOut: true,
    });
  });

  it("a Status: timeout alone marks the tail timed out; a normal tail does not", () => {
    expect(readLogTail(builtLines[0]![1]).timedOut).toBe(true);
    expect(readLogTail(realLines[2]![1]).timedOut).toBe(false);
    expect(readLogTail("no report here")).toEqual({ timedOut: false });
  });
});
