import { RunStore } from "../../../harness/store/run-store.ts";
import { replayInto } from "./report-store.ts";
import { storedStream, writeStandInNetworkRun, type StandInSend } from "./stand-in-network-run.ts";

export const standInBackend = "http:127.0.0.1/stand-in";
export const standInDegraded = "p99 lateness 4.75 ms > --max-lateness-ms 1";

/**
 * Stand-in sends for a network run on a simulator run's stream: every 1000th dropped, the rest
 * (i mod 20) × 0.25 ms late (so every 20th exactly on time), each answered in its work + 2 ms.
 */
export function standInSend(inv: { workMs: number }, i: number): StandInSend {
  if (i % 1000 === 999) return { kind: "dropped" };
  return { kind: "sent", latenessMs: (i % 20) * 0.25, responseMs: inv.workMs + 2 };
}

/**
 * A store holding run 1, a real sim:hermod replay (with machine samples), and run 2, stand-in rows
 * for a degraded network run written by hand on run 1's identical stream (equal digests), so the
 * report pairs them as it pairs simulator runs.
 */
export async function simAndNetworkStore(db: string): Promise<{ simRun: number; networkRun: number; invocations: number }> {
  await replayInto(db, ["--backend", "sim:hermod"]);
  const store = await RunStore.open(db);
  try {
    const [run] = await store.query(`SELECT run_id::INTEGER AS id, stream_digest, manifest::VARCHAR AS manifest FROM runs ORDER BY run_id LIMIT 1`);
    const simRun = Number(run!.id);
    const manifest = JSON.parse(String(run!.manifest)) as { trace?: unknown; stream?: unknown };
    const stream = await storedStream(store, simRun);
    const networkRun = await writeStandInNetworkRun(
      store,
      { backend: standInBackend, streamDigest: String(run!.stream_digest), degraded: standInDegraded, manifest: { trace: manifest.trace, stream: manifest.stream } },
      stream,
      standInSend,
    );
    return { simRun, networkRun, invocations: stream.length };
  } finally {
    store.close();
  }
}
