import { join } from "node:path";
import { expect } from "vitest";
import { runCliInProcess as runCli } from "../../support/run-cli-in-process.ts";

/** Small runs through the real executable: 10 machines, so every class sees queueing at load 0.95. */
export async function replayInto(db: string, extra: readonly string[] = []): Promise<void> {
  const r = await runCli(["replay", "--invocations", "12000", "--machines", "10", "--load", "0.95", "--quiet", "--db", db, ...extra]);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
}

export async function reportInto(db: string, out: string, extra: readonly string[] = []): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return runCli(["report", "--db", db, "--out", out, ...extra]);
}

export const chartIds = [
  "percentile-table",
  "latency-cdf",
  "latency-ccdf",
  "tail-over-time",
  "paired-ratios",
  "p99-difference",
  "load-sweep",
  "memory-spread",
  "swap-per-machine",
  "swap-per-class",
  "kills",
  "cost",
  "mu-cost",
];

export function chartFiles(out: string): string[] {
  return chartIds.flatMap((id) => [join(out, "charts", `${id}.svg`), join(out, "charts", `${id}.png`)]);
}
