import type { RunStore } from "../store/run-store.ts";
import { formatSendingSummaries } from "./format-sending-summaries.ts";
import { sendingSummaries } from "./sending-summary.ts";

/**
 * The "Sending" block `xxbench summary` prints after its class table: lines, none when no chosen
 * run is a network run. One call for a command: query and format together.
 */
export async function sendingBlock(store: RunStore, runIds: readonly number[]): Promise<string[]> {
  return formatSendingSummaries(await sendingSummaries(store, runIds));
}
