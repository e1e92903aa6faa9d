import { describe, expect, it } from "vitest";
import { emptyOutcomeCounts, type Backend, type OutcomeSink, type RunSummary } from "../../../adapters/backend.ts";
import { priceTable } from "../../../adapters/billing/price-table.ts";
import { replay } from "../../../harness/replay/replay.ts";
import { RunStore } from "../../../harness/store/run-store.ts";
import type { Invocation, InvocationBatch, TraceSource } from "../../../traces/invocation.ts";
import { openTempStore } from "../../support/temp-store.ts";

const handMade: Invocation[] = [
  { id: 0, arrivalMs: 0, tenant: "a", app: "x", fn: "f", priceClass: 1, workMs: 1000, memStartMb: 100, memPeakMb: 100 },
  { id: 1, arrivalMs: 5, tenant: "b", app: "y", fn: "g", priceClass: 0, workMs: 500, memStartMb: 100, memPeakMb: 3000.5 },
  { id: 2, arrivalMs: 6, tenant: "b", app: "y", fn: "g", priceClass: 0, workMs: 500, memStartMb: 100, memPeakMb: 200 },
  { id: 3, arrivalMs: 7, tenant: "c", app: "z", fn: "h", priceClass: 1, workMs: 800, memStartMb: 200, memPeakMb: 400 },
];

const source: TraceSource = {
  kind: "hand-made",
  spec: {},
  prices: [1, 2],
  async *open() {
    yield handMade;
  },
};

/** A stand-in backend with fixed timings, so every bill can be worked out by hand. */
class FixedTimingsBackend implements Backend {
  readonly id = "test:fixed-timings";
  readonly config = { prices: [1, 2], machines: 2 };
  readonly billing = { prices: [1, 2], machines: 2 };
  async run(invocations: AsyncIterable<InvocationBatch>, sink: OutcomeSink): Promise<RunSummary> {
    for await (const batch of invocations) {
      for (const inv of batch) {
        if (inv.id === 2) {
          sink.outcome(inv, { status: "throttled", endMs: inv.arrivalMs, preemptions: 0, swappedOutMb: 0, costMicroCents: 0 });
          continue;
        }
        if (inv.id === 3) {
          // Killed at 320 ms after 300 ms of CPU (of its 800 ms of work).
          sink.outcome(inv, { status: "killed", startMs: 20, endMs: 320, cpuMs: 300, machine: 1, preemptions: 0, swappedOutMb: 0, costMicroCents: 0, ranClass: 1 });
          continue;
        }
        // Invocation 0 runs 0 → 1000.2 ms, invocation 1 runs 10 → 510 ms.
        const start = inv.id === 0 ? 0 : 10;
        sink.outcome(inv, { status: "ok", startMs: start, endMs: start + inv.workMs + (inv.id === 0 ? 0.2 : 0), machine: 0, preemptions: 0, swappedOutMb: 0, costMicroCents: 0, ranClass: inv.priceClass });
      }
    }
    return { invocations: 4, outcomes: emptyOutcomeCounts(), counters: {} };
  }
}

async function costs(store: RunStore, runId: number): Promise<Map<string, number>> {
  const rows = await store.query(`SELECT model || '/' || tenant AS k, sum(cost_usd) AS usd FROM costs WHERE run_id = $id GROUP BY ALL`, { id: runId });
  return new Map(rows.map((r) => [String(r.k), Number(r.usd)]));
}

describe("billing models over stored outcome rows", () => {
  it("bills hand-worked cases under XX, Lambda and provisioned machines (stand-in backend with fixed timings)", async () => {
    const { store, dispose } = await openTempStore();
    const [run] = await replay({ store, trace: source, backends: [new FixedTimingsBackend()], seed: 1, signal: new AbortController().signal });
    const c = await costs(store, run!.runId);
    const l = priceTable.lambda;
    // a: class 1 (2 µ¢/cpu-s) for 1 s of CPU, 100 MB held 1.0002 s.
    const aMemGbS = ((100 / 1024) * 1000.2) / 1000;
    expect(c.get("xx/a")).toBeCloseTo((1 * 2 + aMemGbS * priceTable.xx.memoryMicroCentsPerGbSecond) / 1e8, 15);
    // Lambda: 100 MB peak is configured at the 128 MB minimum; 1000.2 ms bills as 1001 ms.
    expect(c.get("lambda-x86/a")).toBeCloseTo((128 / 1024) * 1.001 * l.x86UsdPerGbSecond + l.usdPerRequest, 15);
    // b: 3000.5 MB peak rounds up to 3001 MB for 500 ms; its throttled call costs nothing.
    expect(c.get("lambda-arm/b")).toBeCloseTo((3001 / 1024) * 0.5 * l.armUsdPerGbSecond + l.usdPerRequest, 15);
    // c was killed after 300 ms of CPU at class 1: that CPU is billed, and its memory until the
    // kill, grown 300/800 of the way from 200 to 400 MB (275 MB) by then.
    const cMemGbS = ((((200 + 275) / 2) / 1024) * 300) / 1000;
    expect(c.get("xx/c")).toBeCloseTo((0.3 * 2 + cMemGbS * priceTable.xx.memoryMicroCentsPerGbSecond) / 1e8, 15);
    expect(c.get("lambda-x86/c")).toBeCloseTo((400 / 1024) * 0.3 * l.x86UsdPerGbSecond + l.usdPerRequest, 15);
    // Provisioned: 2 machines from 0 to 1000.2 ms, split by CPU seconds (1 s for a, 0.5 s for b, 0.3 s for c).
    const fleet = (2 * 1000.2 * priceTable.provisioned.usdPerMachineHour) / 3_600_000;
    expect(c.get("provisioned/a")).toBeCloseTo(fleet / 1.8, 15);
    expect(c.get("provisioned/b")).toBeCloseTo((fleet * 0.5) / 1.8, 15);
    expect(c.get("provisioned/c")).toBeCloseTo((fleet * 0.3) / 1.8, 15);
    const [cpu] = await store.query(`SELECT sum(cpu_s) AS s FROM costs WHERE run_id = $id AND tenant = 'c' AND model = 'xx'`, { id: run!.runId });
    expect(Number(cpu!.s)).toBe(0.3);
    dispose();
  });
});
