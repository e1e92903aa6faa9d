import { classSummaries } from "../../summary/class-summary.ts";
import { formatClassSummaries } from "../../summary/format-class-summaries.ts";
import { sendingBlock } from "../../summary/sending-block.ts";
import { listRuns } from "../../store/run-listing.ts";
import type { RunStore } from "../../store/run-store.ts";

/** Prints the per-class latency table of the given runs, read back from the store. */
export async function printBatchSummary(store: RunStore, runIds: readonly number[]): Promise<void> {
  const runs = await listRuns(store, { runIds, includeIncomplete: true });
  const prices = new Map(runs.map((r) => [r.runId, r.prices]));
  process.stdout.write(`${formatClassSummaries(await classSummaries(store, runIds), prices)}\n`);
  const sending = await sendingBlock(store, runIds);
  if (sending.length > 0) process.stdout.write(`\n${sending.join("\n")}\n`);
}
