import type { RunStore } from "../../harness/store/run-store.ts";
import { significant } from "../significant.ts";
import type { PairedTail } from "../stats/paired-p99-bootstrap.ts";

/** Distribution of B's latency ÷ A's latency over the invocations both completed, per class. */
export interface PairedRatios {
  readonly priceClass: number;
  readonly pairs: number;
  /** Fraction of invocations faster under B than under A. */
  readonly fasterUnderB: number;
  readonly p01: number;
  readonly p10: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
}

export interface PairedLatencies {
  readonly ratios: PairedRatios[];
  readonly tails: Map<number, PairedTail>;
}

/**
 * Joins two runs invocation by invocation (only invocations both completed) into a temporary
 * table, reads the ratio distribution and the tails from it, and drops it: one join, not two.
 * The runs must have replayed the same stream, or the pairing means nothing.
 */
export async function pairedLatencies(store: RunStore, runA: number, runB: number): Promise<PairedLatencies> {
  await store.run(
    `CREATE OR REPLACE TEMP TABLE paired AS
     SELECT x.price_class::INTEGER AS price_class, x.invocation_id, x.latency_ms AS la, y.latency_ms AS lb
     FROM outcomes x JOIN outcomes y ON x.invocation_id = y.invocation_id
     WHERE x.run_id = ${Math.floor(runA)} AND y.run_id = ${Math.floor(runB)} AND x.status = 'ok' AND y.status = 'ok' AND x.latency_ms > 0`,
  );
  try {
    return { ratios: await pairedRatios(store), tails: await pairedTails(store) };
  } finally {
    await store.run(`DROP TABLE IF EXISTS paired`);
  }
}

/** Per-invocation latency ratios B ÷ A by class. */
async function pairedRatios(store: RunStore): Promise<PairedRatios[]> {
  const rows = await store.query(
    `SELECT price_class, n, faster, qs[1] AS p01, qs[2] AS p10, qs[3] AS p50, qs[4] AS p90, qs[5] AS p99
     FROM (SELECT price_class, count(*)::DOUBLE AS n, avg(CASE WHEN lb < la THEN 1 ELSE 0 END) AS faster,
                  quantile_cont(lb / la, [0.01, 0.1, 0.5, 0.9, 0.99]) AS qs
           FROM paired GROUP BY ALL)
     ORDER BY 1`,
  );
  const ratio = (v: unknown): number => significant(Number(v), 4);
  return rows.map((r) => ({
    priceClass: Number(r.price_class),
    pairs: Number(r.n),
    fasterUnderB: significant(Number(r.faster), 4),
    p01: ratio(r.p01),
    p10: ratio(r.p10),
    p50: ratio(r.p50),
    p90: ratio(r.p90),
    p99: ratio(r.p99),
  }));
}

/**
 * Per class, the paired latencies of the invocations in A's or B's top tail — what a p99 can
 * depend on: the top 1 % plus a margin many standard deviations of the resampled rank wide
 * (top 1.5 % from 20 000 invocations, 5 % from 4 000, 20 % below). Thresholds by quantile, not by
 * ranking: a selection per class instead of two sorts of the whole join.
 */
async function pairedTails(store: RunStore): Promise<Map<number, PairedTail>> {
  const pick = (q: string): string => `CASE WHEN n >= 20000 THEN ${q}[1] WHEN n >= 4000 THEN ${q}[2] ELSE ${q}[3] END`;
  const rows = await store.query(
    `WITH th AS (SELECT price_class, count(*) AS n, quantile_disc(la, [0.985, 0.95, 0.8]) AS qa, quantile_disc(lb, [0.985, 0.95, 0.8]) AS qb FROM paired GROUP BY 1)
     SELECT price_class, n::DOUBLE AS n, la, lb FROM paired JOIN th USING (price_class)
     WHERE la >= ${pick("qa")} OR lb >= ${pick("qb")}
     ORDER BY price_class, invocation_id`,
  );
  const tails = new Map<number, { n: number; items: { a: number; b: number }[] }>();
  for (const r of rows) {
    const cls = Number(r.price_class);
    const tail = tails.get(cls) ?? { n: Number(r.n), items: [] };
    tail.items.push({ a: Number(r.la), b: Number(r.lb) });
    tails.set(cls, tail);
  }
  return tails;
}
