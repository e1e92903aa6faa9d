import type { Outcome } from "../backend.ts";
import type { Invocation } from "../../traces/invocation.ts";

/** The part of an outcome that billing reads. */
export type BillableOutcome = Pick<Outcome, "status" | "cpuMs" | "startMs" | "endMs" | "ranClass" | "billedMs" | "serverExecMs" | "freshenSavedMs">;

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
  /**
   * How long the invocation held its memory: from first start to end where the backend saw both
   * (simulators); else what the platform reported, its billed duration (Lambda's REPORT line) or
   * its execution time (a target's `x-exec-ms`); 0 if nothing says it ran. A network client never
   * sees the start, and its round trip would bill the network and the queue as execution.
   */
  heldMs: {
    read: (_inv, o) => o.billedMs ?? (o.startMs !== undefined && o.endMs !== undefined ? Math.max(o.endMs - o.startMs, 0) : (o.serverExecMs ?? 0)),
    sql: `coalesce(billed_ms, CASE WHEN start_ms IS NOT NULL AND end_ms IS NOT NULL THEN greatest(end_ms - start_ms, 0::DOUBLE) ELSE coalesce(server_exec_ms, 0::DOUBLE) END)`,
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
      // Work freshen did ahead counts as progress: the invocation got that far without its own CPU.
      const progress = cpuMs.read(inv, o) + (o.freshenSavedMs ?? 0);
      return progress >= inv.workMs ? inv.memPeakMb : inv.memStartMb + (inv.memPeakMb - inv.memStartMb) * (progress / inv.workMs);
    },
    sql: `CASE WHEN (${cpuMs.sql}) + coalesce(freshen_saved_ms, 0::DOUBLE) >= work_ms THEN mem_peak_mb
               ELSE mem_start_mb + (mem_peak_mb - mem_start_mb) * (((${cpuMs.sql}) + coalesce(freshen_saved_ms, 0::DOUBLE)) / work_ms) END`,
  },
  /** The class it ran at; the class it asked for when the backend does not say. */
  ranClass: { read: (inv, o) => o.ranClass ?? inv.priceClass, sql: `coalesce(ran_class, price_class)` },
  /** 1 for an invocation that never ran because it was refused (throttled) or never sent (dropped), else 0. */
  refused: {
    read: (_inv, o) => (o.status === "throttled" || o.status === "dropped" ? 1 : 0),
    sql: `CASE WHEN status IN ('throttled', 'dropped') THEN 1::DOUBLE ELSE 0::DOUBLE END`,
  },
};
