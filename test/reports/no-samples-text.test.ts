import { describe, expect, it } from "vitest";
import { noSamplesText } from "../../reports/no-samples-text.ts";
import type { ReportRun } from "../../reports/report-runs.ts";
import { pairWarning } from "../../reports/sections/paired-section.ts";

function run(runId: number, series: string, fields: Partial<ReportRun> = {}): ReportRun {
  return {
    runId,
    backend: series,
    label: null,
    sweep: null,
    seed: 1,
    status: "complete",
    streamDigest: "d",
    storedInvocations: 1,
    recordedInvocations: 1,
    prices: [1],
    phases: [],
    constantLoad: null,
    lastArrivalMs: 0,
    ramMb: null,
    series,
    degraded: null,
    network: false,
    machineSamples: true,
    ...fields,
  };
}

const net = (id: number, name: string): ReportRun => run(id, name, { network: true, machineSamples: false });

describe("why runs have no machine samples, in words", () => {
  it.each([
    ["every run sampled", [run(1, "sim:xx")], null],
    ["one network run", [run(1, "sim:xx"), net(2, "http:a")], "no machine samples: http:a is not a simulator (a network backend sees its target only through its responses)"],
    ["two network runs", [net(1, "http:a"), net(2, "http:b")], "no machine samples: http:a and http:b are not simulators (a network backend sees its target only through its responses)"],
    ["three network runs", [net(1, "http:a"), net(2, "http:b"), net(3, "http:c")], "no machine samples: http:a, http:b and http:c are not simulators (a network backend sees its target only through its responses)"],
    ["a simulator run that took none", [run(1, "sim:xx", { machineSamples: false })], "no machine samples: sim:xx took none"],
    [
      "both kinds",
      [run(1, "sim:xx", { machineSamples: false }), net(2, "http:a")],
      "no machine samples: http:a is not a simulator (a network backend sees its target only through its responses); sim:xx took none",
    ],
  ])("%s", (_, runs, text) => {
    expect(noSamplesText(runs)).toBe(text);
  });
});

describe("the warning on a paired comparison", () => {
  const reason = "p99 lateness 9 ms > --max-lateness-ms 5";
  it.each([
    ["neither degraded", run(1, "sim:xx"), net(2, "http:a"), null],
    ["B degraded", run(1, "sim:xx"), { ...net(2, "http:a"), degraded: reason }, `B (run 2, http:a) is degraded, ${reason}`],
    ["A degraded", { ...net(1, "http:a"), degraded: reason }, run(2, "sim:xx"), `A (run 1, http:a) is degraded, ${reason}`],
    ["both degraded", { ...net(1, "http:a"), degraded: reason }, { ...net(2, "http:b"), degraded: "x" }, `A (run 1, http:a) is degraded, ${reason}; B (run 2, http:b) is degraded, x`],
  ])("%s", (_, a, b, start) => {
    const warning = pairWarning(a, b);
    if (start === null) expect(warning).toBeNull();
    else expect(warning).toBe(`${start}: ${start.includes("; B") ? "their" : "its"} requests left later than the trace asked, so the difference partly measures the load generator`);
  });
});
