import type { ReportRun } from "./report-runs.ts";

/**
 * Why some runs have no machine samples, in words, for every panel drawn from them; null when
 * every run has samples. A network backend sees its target only through responses, so it has no
 * machines to sample; a simulator run without samples took none (a sample interval of 0).
 */
export function noSamplesText(runs: readonly ReportRun[]): string | null {
  const network = runs.filter((r) => !r.machineSamples && r.network).map((r) => r.series);
  const other = runs.filter((r) => !r.machineSamples && !r.network).map((r) => r.series);
  const parts = [
    network.length === 0 ? null : `${listed(network)} ${network.length === 1 ? "is not a simulator" : "are not simulators"} (a network backend sees its target only through its responses)`,
    other.length === 0 ? null : `${listed(other)} took none`,
  ].filter((p): p is string => p !== null);
  return parts.length === 0 ? null : `no machine samples: ${parts.join("; ")}`;
}

function listed(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1] ?? ""}`;
}
