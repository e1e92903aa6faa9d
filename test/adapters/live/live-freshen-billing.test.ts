import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Backend } from "../../../adapters/backend.ts";
import { perInvocationModels } from "../../../adapters/billing/billing-model.ts";
import { microCentsPerUsd } from "../../../adapters/billing/price-table.ts";
import type { FreshenLogPage } from "../../../adapters/live/freshen-log.ts";
import { liveBackend } from "../../../adapters/live/live-backend.ts";
import { defaultNetworkOptions } from "../../../adapters/network/network-options.ts";
import { replay } from "../../../harness/replay/replay.ts";
import type { RunStore } from "../../../harness/store/run-store.ts";
import type { Invocation, TraceSource } from "../../../traces/invocation.ts";
import { CountingStream } from "../../support/paced-stream.ts";
import { invocation } from "../../support/run-invocations.ts";
import { openTempStore } from "../../support/temp-store.ts";
import { freshenChainModule } from "./freshen-chain-module.ts";
import { startTestCluster, type TestCluster } from "./live-cluster-support.ts";

const prices = [0.5, 1, 1.5, 2];
const fetchMs = 200;

const moduleText = freshenChainModule(fetchMs, 5000);

function traceOf(invocations: readonly Invocation[]): TraceSource {
  return { kind: "test", spec: { invocations: invocations.length }, prices, expectedInvocations: invocations.length, open: () => new CountingStream(invocations, 8) };
}

interface CostRow {
  model: string;
  tenant: string;
  price_class: number;
  invocations: number;
  cpu_s: number;
  cost_usd: number;
  rows_cpu_s: number;
  rows_usd: number;
}

/** The run's `costs` rows beside what its invocation rows alone come to (under xx, the rows' own model). */
async function costsBesideRows(store: RunStore, runId: number): Promise<CostRow[]> {
  return (await store.query(
    `SELECT c.model, c.tenant, c.price_class::INTEGER AS price_class, c.invocations::INTEGER AS invocations, c.cpu_s, c.cost_usd,
            coalesce(r.cpu_s, 0) AS rows_cpu_s, coalesce(r.usd, 0) AS rows_usd
     FROM costs c LEFT JOIN (
       SELECT tenant, coalesce(ran_class, price_class) AS cls, sum(coalesce(cpu_ms, 0)) / 1000 AS cpu_s, sum(cost_micro_cents) / ${microCentsPerUsd} AS usd
       FROM invocations WHERE run_id = $run GROUP BY ALL
     ) r ON r.tenant = c.tenant AND r.cls = c.price_class
     WHERE c.run_id = $run ORDER BY c.model, c.tenant, c.price_class`,
    { run: runId },
  )) as unknown as CostRow[];
}

describe("freshen billed to its tenant on the live plane: replay --backend live: into a real DuckDB store", () => {
  const dir = mkdtempSync(join(tmpdir(), "xxbench-live-freshen-bill-"));
  const modulePath = join(dir, "chain.mjs");
  let cluster: TestCluster;
  let store: RunStore;
  let dispose: () => void;
  let backend: Backend;

  const agentLogs = async (): Promise<FreshenLogPage[]> =>
    Promise.all(
      cluster.state.components
        .filter((c) => c.role === "agent")
        .map(async (agent) => (await (await request(new URL("freshen-jobs?after=0", agent.url))).body.json()) as FreshenLogPage),
    );

  beforeAll(async () => {
    writeFileSync(modulePath, moduleText);
    cluster = await startTestCluster({ machines: 2, cores: 2, functionModule: modulePath });
    ({ store, dispose } = await openTempStore());
    backend = liveBackend(cluster.state.gatewayUrl, { network: defaultNetworkOptions, clusterDir: cluster.dir }, prices);
  });
  afterAll(async () => {
    dispose?.();
    await cluster?.down();
    rmSync(dir, { recursive: true, force: true });
  });

  it("a chain's freshen, used or mispredicted, is in the costs of the tenant and class that predicted it, and nowhere else", async () => {
    const trace = [
      // tenant-0: f calls g (g arrives while f's freshen for it is done, on the machine holding it).
      invocation({ id: 0, arrivalMs: 0, workMs: 10, tenant: "tenant-0", fn: "f", priceClass: 0, memStartMb: 128, memPeakMb: 512 }),
      // tenant-1: f at class 2 whose g never comes: a misprediction.
      invocation({ id: 1, arrivalMs: 0, workMs: 10, tenant: "tenant-1", fn: "f", priceClass: 2, memStartMb: 128, memPeakMb: 512 }),
      invocation({ id: 2, arrivalMs: 450, workMs: 10, tenant: "tenant-0", fn: "g", priceClass: 0, parentId: 0 }),
    ];
    const [run] = await replay({ store, trace: traceOf(trace), backends: [backend], seed: 1, signal: new AbortController().signal, maxLatenessMs: 1000 });
    expect(run!.summary.outcomes).toMatchObject({ ok: 3, failed: 0 });
    expect(run!.summary.counters["freshen.jobs"]).toBe(2);

    // The agents ran exactly two freshens: one for each tenant's chain, at the class of its f.
    const jobs = (await agentLogs()).flatMap((page) => page.jobs);
    expect(jobs.map((j) => [j.tenant, j.priceClass, j.fn]).sort()).toEqual([
      ["tenant-0", 0, "g"],
      ["tenant-1", 2, "g"],
    ]);
    // setTimeout may fire up to 1 ms early.
    for (const j of jobs) expect(j.wallMs).toBeGreaterThanOrEqual(fetchMs - 1);

    // g was handed the prefetched data: its execution is under the fetch.
    const [g] = (await store.query(`SELECT server_exec_ms FROM invocations WHERE run_id = $run AND invocation_id = 2`, { run: run!.runId })) as [{ server_exec_ms: number }];
    expect(g.server_exec_ms).toBeLessThan(fetchMs / 2);

    const surcharges = backend.billing.surcharges!();
    const models = Object.keys(perInvocationModels);
    expect(surcharges.map((s) => [s.tenant, s.priceClass, s.model])).toEqual([...models.map((m) => ["tenant-0", 0, m]), ...models.map((m) => ["tenant-1", 2, m])]);
    for (const s of surcharges) {
      expect(s.cpuMs).toBeGreaterThan(0);
      expect(s.microCents).toBeGreaterThan(0);
      expect(s.cpuMs).toBeCloseTo(jobs.find((j) => j.tenant === s.tenant)!.cpuMs, 9);
    }

    const costs = await costsBesideRows(store, run!.runId);
    // One costs row per model × tenant × class that ran: no freshen row appears for another tenant or class.
    expect(costs.map((c) => [c.model, c.tenant, c.price_class, c.invocations])).toEqual(
      models.sort().flatMap((m) => [
        [m, "tenant-0", 0, 2],
        [m, "tenant-1", 2, 1],
      ]),
    );
    for (const c of costs) {
      const s = surcharges.find((x) => x.model === c.model && x.tenant === c.tenant && x.priceClass === c.price_class)!;
      // CPU: the rows' plus freshen's, whatever the model.
      expect(c.cpu_s).toBeCloseTo(c.rows_cpu_s + s.cpuMs / 1000, 9);
      if (c.model === "xx") expect(c.cost_usd).toBeCloseTo(c.rows_usd + s.microCents / microCentsPerUsd, 12);
    }
    // The misprediction: tenant-1 has one f and no g, and pays for a freshen beyond its row.
    const mispredicted = costs.find((c) => c.model === "xx" && c.tenant === "tenant-1")!;
    expect(mispredicted.cost_usd).toBeGreaterThan(mispredicted.rows_usd);
  });

  it("a later run without chains on the same plane bills no freshen: only what ended during a run is its", async () => {
    const trace = [0, 1, 2, 3].map((id) => invocation({ id, arrivalMs: id * 50, workMs: 10, tenant: `tenant-${id % 2}`, fn: "h", priceClass: 1 }));
    const [run] = await replay({ store, trace: traceOf(trace), backends: [backend], seed: 1, signal: new AbortController().signal, maxLatenessMs: 1000 });
    expect(run!.summary.outcomes).toMatchObject({ ok: 4 });
    expect(run!.summary.counters["freshen.jobs"]).toBeUndefined();
    expect(backend.billing.surcharges!()).toEqual([]);
    const costs = await costsBesideRows(store, run!.runId);
    expect(costs).toHaveLength(2 * Object.keys(perInvocationModels).length);
    for (const c of costs) expect(c.cpu_s).toBeCloseTo(c.rows_cpu_s, 12);
    for (const c of costs.filter((c) => c.model === "xx")) expect(c.cost_usd).toBeCloseTo(c.rows_usd, 15);
  });
});
