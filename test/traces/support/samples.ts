import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Invocation, TraceSource } from "../../../traces/invocation.ts";

/** Absolute path of a bundled sample folder or file. */
export function samplePath(relative: string): string {
  return fileURLToPath(new URL(`../../../traces/samples/${relative}`, import.meta.url));
}

export const sample10 = samplePath("vhive-loader-azure2019-10fn");
export const sample500 = samplePath("invitro-sampler-azure2019-500fn");
export const sample3 = samplePath("invitro-mapper-extremes-azure2019-3fn");
export const sample2021 = samplePath("invitro-azure2021-head/AzureFunctionsInvocationTraceForTwoWeeksJan2021.csv");

/**
 * A CSV file read the simplest independent way (split on newlines and commas), so tests
 * compare the streaming reader against a second, obviously correct reading.
 */
export function readTable(path: string): { header: string[]; rows: string[][] } {
  const lines = readFileSync(path, "utf8").split("\n").filter((l) => l !== "");
  return { header: lines[0]!.split(","), rows: lines.slice(1).map((l) => l.split(",")) };
}

export async function collect(source: TraceSource): Promise<Invocation[]> {
  const out: Invocation[] = [];
  for await (const batch of source.open()) for (const inv of batch) out.push(inv);
  return out;
}
