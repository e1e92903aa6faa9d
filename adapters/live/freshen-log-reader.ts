import { request } from "undici";
import type { FreshenJobRecord, FreshenLogPage } from "./freshen-log.ts";

/** One request to an agent's log, at most this long. */
const requestTimeoutMs = 5_000;
/** Pages read from one agent at the end of a run, at most (5,000 records each). */
const maxPages = 1_000;

/** Where each agent's log stood when a run started: its last seq, or 0 when it could not be read. */
export type FreshenMarks = ReadonlyMap<string, number>;

/** What the end of a run read from the agents' freshen logs. */
export interface FreshenHarvest {
  readonly jobs: readonly FreshenJobRecord[];
  /** Agents that did not answer at the end: their freshens of the run are not billed. */
  readonly agentsUnread: number;
  /** Records that fell out of an agent's log before they were read (a run of over 65,536 freshens per machine). */
  readonly lost: number;
  /** Agents whose freshens were still running when the wait ran out. */
  readonly stillRunning: number;
}

async function page(agentUrl: string, after: number, limit?: number): Promise<FreshenLogPage> {
  const url = new URL(`freshen-jobs?after=${after}${limit === undefined ? "" : `&limit=${limit}`}`, agentUrl);
  const response = await request(url, { method: "GET", headersTimeout: requestTimeoutMs, bodyTimeout: requestTimeoutMs });
  const text = await response.body.text();
  if (response.statusCode !== 200) throw new Error(`${url.href}: HTTP ${response.statusCode}: ${text.trim()}`);
  return JSON.parse(text) as FreshenLogPage;
}

/** Each agent's last freshen seq now, so the run bills only what comes after it. */
export async function markFreshenLogs(agentUrls: readonly string[]): Promise<FreshenMarks> {
  const marks = await Promise.all(
    agentUrls.map(async (url) => {
      try {
        return [url, (await page(url, 0, 0)).last] as const;
      } catch {
        // Not up yet: everything it records once up is this run's.
        return [url, 0] as const;
      }
    }),
  );
  return new Map(marks);
}

/**
 * Every freshen recorded after the marks, waiting up to `waitMs` for freshens still running (the
 * run's last calls may have just predicted some). An agent restarted since the mark starts its
 * seq again at 1: everything it has is then the run's.
 */
export async function harvestFreshenLogs(marks: FreshenMarks, waitMs: number): Promise<FreshenHarvest> {
  const deadline = performance.now() + waitMs;
  const jobs: FreshenJobRecord[] = [];
  let agentsUnread = 0;
  let lost = 0;
  let stillRunning = 0;
  await Promise.all(
    [...marks].map(async ([url, mark]) => {
      let after = mark;
      try {
        for (let pages = 0; pages < maxPages; pages++) {
          const read = await page(url, after);
          if (read.last < after) {
            after = 0;
            continue;
          }
          jobs.push(...read.jobs);
          lost += read.lost;
          after = read.next;
          if (read.next < read.last) continue;
          if (read.running === 0) return;
          if (performance.now() >= deadline) {
            stillRunning++;
            return;
          }
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      } catch {
        agentsUnread++;
      }
    }),
  );
  return { jobs, agentsUnread, lost, stillRunning };
}
