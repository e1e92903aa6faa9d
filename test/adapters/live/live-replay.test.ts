import { readFileSync } from "node:fs";
import { request } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { restartAgent, restartShard } from "../../../adapters/live/cluster-launcher.ts";
import type { ComponentRecord } from "../../../adapters/live/cluster-state.ts";
import { heartbeatMs } from "../../../adapters/live/machine-agent.ts";
import { liveBackend } from "../../../adapters/live/live-backend.ts";
import { liveHeaders } from "../../../adapters/live/live-headers.ts";
import { isAlive } from "../../../adapters/process-liveness.ts";
import { defaultNetworkOptions } from "../../../adapters/network/network-options.ts";
import { replay } from "../../../harness/replay/replay.ts";
import type { Invocation, TraceSource } from "../../../traces/invocation.ts";
import { CountingStream } from "../../support/paced-stream.ts";
import { invocation } from "../../support/run-invocations.ts";
import { openTempStore } from "../../support/temp-store.ts";
import { callGateway, startTestCluster, type TestCluster } from "./live-cluster-support.ts";

const prices = [0.5, 1, 1.5, 2];

function traceOf(invocations: readonly Invocation[]): TraceSource {
  return { kind: "test", spec: { invocations: invocations.length }, prices, expectedInvocations: invocations.length, open: () => new CountingStream(invocations, 8) };
}

/** `count` invocations every `gapMs`, alternating tenants and classes 0 and 3, each `workMs` of timed work. */
function alternating(count: number, gapMs: number, workMs: number): Invocation[] {
  return Array.from({ length: count }, (_, id) => invocation({ id, arrivalMs: id * gapMs, workMs, tenant: `tenant-${id % 2}`, priceClass: id % 4 < 2 ? 0 : 3, memPeakMb: 10 }));
}

/** State letter of /proc/PID/stat: R, S, T (stopped), … */
function procState(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

interface ShardStatus {
  readonly machines: readonly { machine: number; up: boolean; placed: number; idleListed: boolean }[];
  readonly idleListSize: number;
  readonly registrations: number;
  readonly placed: number;
}

/** A component's GET /status. */
async function statusOf<T>(url: string): Promise<T> {
  const response = await request(new URL("status", url));
  return (await response.body.json()) as T;
}

const shardStatus = (url: string): Promise<ShardStatus> => statusOf<ShardStatus>(url);

/** Polls the shard's /status until `done` holds (5 s at most); returns the last status. */
async function shardStatusWhen(url: string, done: (s: ShardStatus) => boolean): Promise<ShardStatus> {
  const deadline = performance.now() + 5_000;
  for (;;) {
    const status = await shardStatus(url);
    if (done(status) || performance.now() > deadline) return status;
    await new Promise((r) => setTimeout(r, 20));
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe("the live plane driven by replay --backend live: (real processes on loopback)", () => {
  let cluster: TestCluster | undefined;
  afterEach(async () => {
    await cluster?.down();
    cluster = undefined;
  });

  it("a small trace end to end: one ok row per invocation, each with its machine, class, placement and start", async () => {
    cluster = await startTestCluster();
    const { store, dispose } = await openTempStore();
    try {
      const backend = liveBackend(cluster.state.gatewayUrl, { network: defaultNetworkOptions, clusterDir: cluster.dir }, prices);
      const [run] = await replay({ store, trace: traceOf(alternating(40, 10, 20)), backends: [backend], seed: 1, signal: new AbortController().signal, maxLatenessMs: 1000 });
      expect(run!.summary.outcomes).toEqual({ ok: 40, killed: 0, throttled: 0, failed: 0, timeout: 0, dropped: 0 });
      const [row] = await store.query(
        `SELECT count(*)::INTEGER AS n, count(DISTINCT invocation_id)::INTEGER AS ids,
                count(*) FILTER (WHERE machine IN (0, 1))::INTEGER AS on_a_machine,
                count(*) FILTER (WHERE ran_class = price_class)::INTEGER AS at_own_class,
                count(*) FILTER (WHERE sent_ms < placed_ms AND placed_ms <= start_ms AND start_ms < end_ms)::INTEGER AS ordered,
                count(*) FILTER (WHERE end_ms - start_ms >= 20)::INTEGER AS worked,
                count(DISTINCT machine)::INTEGER AS machines
         FROM invocations WHERE run_id = $run`,
        { run: run!.runId },
      );
      expect(row).toEqual({ n: 40, ids: 40, on_a_machine: 40, at_own_class: 40, ordered: 40, worked: 40, machines: 2 });
      // The run says what the plane did about swapping: never a pretend swap.
      const [{ config }] = (await store.query(`SELECT config::VARCHAR AS config FROM runs WHERE run_id = $run`, { run: run!.runId })) as [{ config: string }];
      expect(JSON.parse(config).cluster.swapping).toMatch(/^not (available|performed): .*kills the lowest class's newest function$/);
    } finally {
      dispose();
    }
  });

  it("preempts for real: a low-class function is SIGSTOPped while a high-class one runs, then resumes", async () => {
    cluster = await startTestCluster({ machines: 1, cores: 1, warm: 2 });
    const agent = cluster.state.components.find((c) => c.role === "agent")!;
    const key = cluster.state.keys["tenant-0"]!;
    const low = callGateway(cluster.state, { key, body: JSON.stringify({ priceClass: 0, workMs: 600 }) });
    // Wait until the low one runs, then send the high one.
    let stoppedSeen = false;
    await new Promise((r) => setTimeout(r, 200));
    const high = callGateway(cluster.state, { key, body: JSON.stringify({ priceClass: 3, workMs: 300 }) });
    const deadline = performance.now() + 2_000;
    while (!stoppedSeen && performance.now() < deadline) {
      stoppedSeen = childrenOf(agent.pid).some((pid) => isAlive(pid) && procState(pid) === "T");
      if (!stoppedSeen) await new Promise((r) => setTimeout(r, 10));
    }
    const [lowAnswer, highAnswer] = await Promise.all([low, high]);
    expect(stoppedSeen).toBe(true);
    expect([lowAnswer.status, highAnswer.status]).toEqual([200, 200]);
    expect(lowAnswer.headers[liveHeaders.preemptions]).toBe("1");
    expect(highAnswer.headers[liveHeaders.preemptions]).toBe("0");
    // The low one was stopped about as long as the high one ran, and its own work still took 600 ms of running time.
    const preempted = Number(lowAnswer.headers[liveHeaders.preempted]);
    expect(preempted).toBeGreaterThanOrEqual(300);
    expect(Number(lowAnswer.headers[liveHeaders.exec]) - preempted).toBeGreaterThanOrEqual(600);
    // The high one did not wait for the low one's core.
    expect(Number(highAnswer.headers[liveHeaders.machineQueue])).toBeLessThan(150);
    expect(childrenOf(agent.pid).filter((pid) => isAlive(pid) && procState(pid) === "T")).toEqual([]);
  });

  it("a machine agent killed mid-replay: every sent invocation ends with exactly one outcome, the lost ones failed naming the machine", async () => {
    cluster = await startTestCluster({ machines: 2, cores: 2 });
    const victim = cluster.state.components.find((c) => c.role === "agent" && c.index === 1)!;
    const { store, dispose } = await openTempStore();
    try {
      const backend = liveBackend(cluster.state.gatewayUrl, { network: { ...defaultNetworkOptions, timeoutMs: 10_000 }, clusterDir: cluster.dir }, prices);
      // 60 invocations over 1.5 s, 300 ms each: about 12 on the machines at any moment.
      const killer = setTimeout(() => process.kill(-victim.pid, "SIGKILL"), 700);
      const [run] = await replay({ store, trace: traceOf(alternating(60, 25, 300)), backends: [backend], seed: 1, signal: new AbortController().signal, maxLatenessMs: 1000 });
      clearTimeout(killer);
      const o = run!.summary.outcomes;
      expect(o.ok + o.failed).toBe(60);
      expect([o.killed, o.throttled, o.timeout, o.dropped]).toEqual([0, 0, 0, 0]);
      expect(o.failed).toBeGreaterThan(0);
      const rows = (await store.query(
        `SELECT count(*)::INTEGER AS n, count(DISTINCT invocation_id)::INTEGER AS ids,
                count(*) FILTER (WHERE status = 'failed' AND error LIKE '%machine 1 failed while running it%')::INTEGER AS failed_on_1,
                count(*) FILTER (WHERE status = 'ok' AND machine = 0)::INTEGER AS ok_on_0,
                count(*) FILTER (WHERE status = 'ok' AND machine = 1)::INTEGER AS ok_on_1,
                max(CASE WHEN status = 'ok' AND machine = 1 THEN arrival_ms END) AS last_ok_on_1,
                min(CASE WHEN status = 'ok' AND machine = 0 AND arrival_ms > 1000 THEN 1 END) AS ok_after_kill
         FROM invocations WHERE run_id = $run`,
        { run: run!.runId },
      )) as [{ n: number; ids: number; failed_on_1: number; ok_on_0: number; ok_on_1: number; ok_after_kill: number | null }];
      const [r] = rows;
      expect([r.n, r.ids]).toEqual([60, 60]);
      // Every failure is one that machine 1 was running when it died; everything after went to machine 0.
      expect(r.failed_on_1).toBe(o.failed);
      expect(r.ok_on_0 + r.ok_on_1 + r.failed_on_1).toBe(60);
      expect(r.ok_after_kill).toBe(1);
      expect(isAlive(victim.pid)).toBe(false);
    } finally {
      dispose();
    }
  });

  it("a shard killed mid-replay: every sent invocation ends with exactly one outcome; those it had not placed fail naming it", async () => {
    cluster = await startTestCluster({ machines: 2, cores: 2 });
    const shard = cluster.state.components.find((c) => c.role === "shard")!;
    const { store, dispose } = await openTempStore();
    try {
      const backend = liveBackend(cluster.state.gatewayUrl, { network: { ...defaultNetworkOptions, timeoutMs: 10_000 }, clusterDir: cluster.dir }, prices);
      const killer = setTimeout(() => process.kill(-shard.pid, "SIGKILL"), 600);
      const [run] = await replay({ store, trace: traceOf(alternating(50, 25, 100)), backends: [backend], seed: 1, signal: new AbortController().signal, maxLatenessMs: 1000 });
      clearTimeout(killer);
      const o = run!.summary.outcomes;
      expect(o.ok + o.failed).toBe(50);
      expect([o.killed, o.throttled, o.timeout, o.dropped]).toEqual([0, 0, 0, 0]);
      const [r] = (await store.query(
        `WITH failed AS (SELECT min(arrival_ms) AS first, max(arrival_ms) AS last FROM invocations WHERE run_id = $run AND status = 'failed')
         SELECT count(DISTINCT invocation_id)::INTEGER AS ids,
                count(*) FILTER (WHERE status = 'failed' AND error LIKE '%shard 0 did not answer%')::INTEGER AS failed_at_shard,
                count(*) FILTER (WHERE status = 'ok' AND arrival_ms BETWEEN failed.first AND failed.last)::INTEGER AS ok_among_failed,
                count(*) FILTER (WHERE status = 'ok' AND arrival_ms < failed.first)::INTEGER AS ok_before
         FROM invocations, failed WHERE run_id = $run`,
        { run: run!.runId },
      )) as [{ ids: number; failed_at_shard: number; ok_among_failed: number; ok_before: number }];
      expect(r.ids).toBe(50);
      expect(r.failed_at_shard).toBe(o.failed);
      expect(o.failed).toBeGreaterThan(10);
      // Those sent before the kill were placed and ran; from the kill on, every one failed (no shard to route to).
      expect(r.ok_among_failed).toBe(0);
      expect(r.ok_before).toBeGreaterThan(0);
      expect(r.ok_before + o.failed).toBe(50);
    } finally {
      dispose();
    }
  });

  it("a shard killed mid-replay and restarted on its port: the gateway routes around it, none is lost; restarted, it relearns every machine and places on each", async () => {
    cluster = await startTestCluster({ machines: 2, cores: 2, shards: 2 });
    const victim = cluster.state.components.find((c) => c.role === "shard" && c.index === 1)!;
    const { store, dispose } = await openTempStore();
    try {
      const backend = liveBackend(cluster.state.gatewayUrl, { network: { ...defaultNetworkOptions, timeoutMs: 10_000 }, clusterDir: cluster.dir }, prices);
      let restarted: Promise<ComponentRecord> | undefined;
      const dir = cluster.dir;
      const killer = setTimeout(() => {
        process.kill(-victim.pid, "SIGKILL");
        restarted = (async () => {
          while (isAlive(victim.pid)) await sleep(10);
          return restartShard(dir, 1);
        })();
      }, 500);
      // 100 invocations over 2.5 s, 100 ms each, alternating shards: the kill lands among them.
      const [run] = await replay({ store, trace: traceOf(alternating(100, 25, 100)), backends: [backend], seed: 1, signal: new AbortController().signal, maxLatenessMs: 1000 });
      clearTimeout(killer);
      const fresh = await restarted!;
      expect(fresh.pid).not.toBe(victim.pid);
      expect(fresh.url).toBe(victim.url);
      expect(fresh.restarts).toBe(1);
      // Placement requests the dead shard held, and those sent while it was down, went to shard 0.
      expect(run!.summary.outcomes).toEqual({ ok: 100, killed: 0, throttled: 0, failed: 0, timeout: 0, dropped: 0 });
      const [r] = (await store.query(`SELECT count(DISTINCT invocation_id)::INTEGER AS ids, count(*)::INTEGER AS n FROM invocations WHERE run_id = $run`, { run: run!.runId })) as [{ ids: number; n: number }];
      expect([r.ids, r.n]).toEqual([100, 100]);
      const gateway = await statusOf<{ shardRetries: number }>(cluster.state.gatewayUrl);
      expect(gateway.shardRetries).toBeGreaterThan(0);

      // Restarted, it knows no machine until each agent registers again (on its next report or heartbeat).
      const relearnt = await shardStatusWhen(fresh.url, (s) => s.machines.every((m) => m.up));
      expect(relearnt.machines.map((m) => m.up)).toEqual([true, true]);
      const key = cluster.state.keys["tenant-0"]!;
      const answers = await Promise.all(Array.from({ length: 8 }, () => callGateway(cluster!.state, { key, body: JSON.stringify({ workMs: 200 }) })));
      expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
      const after = await shardStatus(fresh.url);
      // Round robin gives the restarted shard half of them at least; it spreads them over both machines.
      expect(after.placed).toBeGreaterThanOrEqual(4);
      expect(after.machines.map((m) => m.placed > 0)).toEqual([true, true]);
    } finally {
      dispose();
    }
  });

  it("a shard restarted while every machine is quiet relearns them by their heartbeat, each idle-list entry included, within a few heartbeats", async () => {
    cluster = await startTestCluster({ machines: 2, cores: 1, idleList: true });
    const victim = cluster.state.components.find((c) => c.role === "shard")!;
    const before = await shardStatus(victim.url);
    expect([before.machines.map((m) => m.up), before.idleListSize]).toEqual([[true, true], 2]);
    process.kill(-victim.pid, "SIGKILL");
    while (isAlive(victim.pid)) await sleep(10);
    const key = cluster.state.keys["tenant-0"]!;
    // Its only shard down: the invocation fails naming it, never hangs or vanishes.
    const whileDown = await callGateway(cluster.state, { key, body: JSON.stringify({ workMs: 1 }) });
    expect([whileDown.status, whileDown.body]).toEqual([502, expect.stringMatching(/^shard 0 did not answer: /)]);

    const fresh = await restartShard(cluster.dir, 0);
    const readyAt = performance.now();
    const relearnt = await shardStatusWhen(fresh.url, (s) => s.machines.every((m) => m.up) && s.idleListSize === 2);
    const tookMs = performance.now() - readyAt;
    // Nothing runs, so only heartbeats reach the shard; each is answered "unknown machine", and the agent registers with its entry.
    expect(relearnt.machines.map((m) => [m.up, m.idleListed])).toEqual([
      [true, true],
      [true, true],
    ]);
    expect(relearnt.idleListSize).toBe(2);
    expect(relearnt.registrations).toBe(2);
    expect(tookMs).toBeLessThan(3 * heartbeatMs);
    const answers = await Promise.all([0, 1].map(() => callGateway(cluster!.state, { key, body: JSON.stringify({ workMs: 1 }) })));
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
  });

  it("a killed machine agent: its work is placed elsewhere (retried once if it was refused); restarted, it re-registers and is placed on again", async () => {
    cluster = await startTestCluster({ machines: 2, cores: 1 });
    const key = cluster.state.keys["tenant-0"]!;
    const victim = cluster.state.components.find((c) => c.role === "agent" && c.index === 1)!;
    process.kill(-victim.pid, "SIGKILL");
    while (isAlive(victim.pid)) await new Promise((r) => setTimeout(r, 20));

    // Sequential calls: each finds both machines idle, so least-loaded placement would take either.
    const whileDown = [];
    for (let i = 0; i < 4; i++) whileDown.push(await callGateway(cluster.state, { key, body: JSON.stringify({ workMs: 1 }) }));
    expect(whileDown.map((a) => [a.status, a.headers[liveHeaders.machine]])).toEqual([
      [200, "0"],
      [200, "0"],
      [200, "0"],
      [200, "0"],
    ]);
    expect(whileDown.reduce((sum, a) => sum + Number(a.headers[liveHeaders.retries]), 0)).toBeLessThanOrEqual(1);

    const fresh = await restartAgent(cluster.dir, 1);
    expect(fresh.pid).not.toBe(victim.pid);
    // Two at once on two 1-core machines: least-loaded placement puts one on each.
    const both = await Promise.all([0, 1].map(() => callGateway(cluster!.state, { key, body: JSON.stringify({ workMs: 300 }) })));
    expect(both.map((a) => a.status)).toEqual([200, 200]);
    expect(both.map((a) => a.headers[liveHeaders.machine]).sort()).toEqual(["0", "1"]);
  });

  it("overload far beyond capacity queues on the machine and sheds nothing: 200 at once on one core all answer, every component still up", async () => {
    cluster = await startTestCluster({ machines: 1, cores: 1 });
    const key = cluster.state.keys["tenant-0"]!;
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => callGateway(cluster!.state, { key, body: JSON.stringify({ priceClass: i % 2 === 0 ? 0 : 3, workMs: 2 }) })),
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(200);
    // High-class arrivals overtake the queued low-class ones: the last low one waited longer than any high one.
    const queued = (cls: string): number[] => answers.filter((a) => a.headers[liveHeaders.ranClass] === cls).map((a) => Number(a.headers[liveHeaders.machineQueue]));
    expect(Math.max(...queued("0"))).toBeGreaterThan(Math.max(...queued("3")));
    expect(cluster.state.components.filter((c) => !isAlive(c.pid))).toEqual([]);
  });
});
