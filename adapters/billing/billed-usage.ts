import type { Outcome } from "../backend.ts";
import type { Invocation } from "../../traces/invocation.ts";

/** The part of an outcome that billing reads. */
export type BillableOutcome = Pick<Outcome, "status" | "cpuMs" | "startMs" | "endMs" | "ranClass">;

/**
 * One quantity a bill is computed from, read two ways: from an invocation and its outcome (in the
 * backend, as the row is made) and from a stored `invocations` row (in SQL). The two readings sit
 * side by side so a reviewer sees they are the same thing; `billing-formula.test.ts` checks it.
 */
export interface UsageQuantity {
  read(inv: Invocation, o: BillableOutcome): number;
  /** A numeric SQL expression over the columns of `invocations`. */
  readonly sql: string;
}

export type UsageName = "cpuMs" | "heldMs" | "memStartMb" | "memPeakMb" | "memReachedMb" | "ranClass" | "refused";

/**
 * CPU ms the invocation received. Rows stored before the `cpu_ms` column existed, and backends
 * that cannot measure it, fall back to the work of an ok invocation and nothing otherwise.
 */
const cpuMs: UsageQuantity = {
  read: (inv, o) => o.cpuMs ?? (o.status === "ok" ? inv.workMs : 0),
  sql: `coalesce(cpu_ms, CASE WHEN status = 'ok' THEN work_ms ELSE 0::DOUBLE END)`,
};

export const usage: Readonly<Record<UsageName, UsageQuantity>> = {
  cpuMs,
  /** From first start to end: how long the invocation held its memory; 0 if it never started. */
  heldMs: {
    read: (_inv, o) => (o.startMs === undefined || o.endMs === undefined ? 0 : Math.max(o.endMs - o.startMs, 0)),
    sql: `CASE WHEN start_ms IS NULL OR end_ms IS NULL THEN 0::DOUBLE ELSE greatest(end_ms - start_ms, 0::DOUBLE) END`,
  },
  memStartMb: { read: (inv) => inv.memStartMb, sql: `mem_start_mb` },
  memPeakMb: { read: (inv) => inv.memPeakMb, sql: `mem_peak_mb` },
  /**
   * The memory it had grown to when it ended. A function's memory grows linearly with its CPU
   * progress from start to peak (how the simulator reads seed 000 §4.1), so one that got all its
   * work reached its peak, and one killed after a share of it reached that share of its growth.
   */
  memReachedMb: {
    read: (inv, o) => {
      const cpu = cpuMs.read(inv, o);
      return cpu >= inv.workMs ? inv.memPeakMb : inv.memStartMb + (inv.memPeakMb - inv.memStartMb) * (cpu / inv.workMs);
    },
    sql: `CASE WHEN (${cpuMs.sql}) >= work_ms THEN mem_peak_mb
               ELSE mem_start_mb + (mem_peak_mb - mem_start_mb) * ((${cpuMs.sql}) / work_ms) END`,
  },
  /** The class it ran at; the class it asked for when the backend does not say. */
  ranClass: { read: (inv, o) => o.ranClass ?? inv.priceClass, sql: `coalesce(ran_class, price_class)` },
  /** 1 for an invocation that never ran because it was refused (throttled) or never sent (dropped), else 0. */
  refused: {
    read: (_inv, o) => (o.status === "throttled" || o.status === "dropped" ? 1 : 0),
    sql: `CASE WHEN status IN ('throttled', 'dropped') THEN 1::DOUBLE ELSE 0::DOUBLE END`,
  },
};
