import type { Outcome } from "../backend.ts";
import type { BillableOutcome } from "../billing/billed-usage.ts";
import type { CostFunction } from "../billing/compile-cost.ts";
import { microCentsPerUsd } from "../billing/price-table.ts";
import { billedMicroCents, type LambdaArchitecture, type LambdaRegionPrice } from "./lambda-prices.ts";

/** The REPORT fields a row may carry beside what the billing models read. */
type ReportedOutcome = BillableOutcome & Partial<Pick<Outcome, "billedMs" | "memorySizeMb" | "httpStatus">>;

/**
 * A Lambda row's cost from what AWS reported for it. With a REPORT line: its Billed Duration and
 * Memory Size at the region's price. Without one: a throttle (429) or a request refused before it
 * ran (no status 200) costs nothing, as AWS bills neither; an invocation that reached the
 * function but left no REPORT line in our hands (the driver gave up on it, or an emulator sends
 * none) is billed the request fee only, a lower bound that the report names as such.
 */
export function lambdaCostFunction(price: LambdaRegionPrice, arch: LambdaArchitecture): CostFunction {
  const requestFee = price.usdPerRequest * microCentsPerUsd;
  return (_inv, outcome) => {
    const o = outcome as ReportedOutcome;
    if (o.billedMs !== undefined && o.memorySizeMb !== undefined) return billedMicroCents(price, arch, o.billedMs, o.memorySizeMb);
    if (o.status === "throttled" || o.status === "dropped") return 0;
    if (o.httpStatus !== undefined && o.httpStatus !== 200) return 0;
    return o.status === "timeout" || o.httpStatus === 200 ? requestFee : 0;
  };
}
