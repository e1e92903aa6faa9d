import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request } from "undici";
import { afterAll, describe, expect, it } from "vitest";
import { clusterDown, restartAgent } from "../../../adapters/live/cluster-launcher.ts";
import { type ClusterState, writeClusterState } from "../../../adapters/live/cluster-state.ts";
import { liveBackend } from "../../../adapters/live/live-backend.ts";
import { checkRoutes, createClusterNetwork, deleteClusterNetwork, deviceExists, directRouteDevice, NetnsRefusedError, freeSlot, netnsUnavailableReason, parsePrefix, planClusterNetwork, prefixesInUse } from "../../../adapters/live/network-namespaces.ts";
import { isAlive } from "../../../adapters/process-liveness.ts";
import { defaultNetworkOptions } from "../../../adapters/network/network-options.ts";
import { replay } from "../../../harness/replay/replay.ts";
import type { Invocation, TraceSource } from "../../../traces/invocation.ts";
import { CountingStream } from "../../support/paced-stream.ts";
import { cliPath, runCli } from "../../support/run-cli.ts";
import { invocation } from "../../support/run-invocations.ts";
import { openTempStore } from "../../support/temp-store.ts";

describe("network namespace plan and route checks (pure)", () => {
  it("gives machine m the /30 at 4m of 10.213.S.0/24: root side .1, namespace side .2; shards on machine 0's root side", () => {
    const plan = planClusterNetwork(7, 3);
    expect(plan.subnet).toBe("10.213.7.0/24");
    expect(plan.serviceAddress).toBe("10.213.7.1");
    expect(plan.machines.map((m) => [m.namespace, m.rootDevice, m.namespaceDevice, m.rootAddress, m.namespaceAddress])).toEqual([
      ["xxbench-7-0", "xxb7r0", "xxb7n0", "10.213.7.1", "10.213.7.2"],
      ["xxbench-7-1", "xxb7r1", "xxb7n1", "10.213.7.5", "10.213.7.6"],
      ["xxbench-7-2", "xxb7r2", "xxb7n2", "10.213.7.9", "10.213.7.10"],
    ]);
    const largest = planClusterNetwork(255, 64).machines[63]!;
    expect([largest.rootDevice, largest.rootAddress, largest.namespaceAddress]).toEqual(["xxb255r63", "10.213.255.253", "10.213.255.254"]);
    expect(() => planClusterNetwork(0, 65)).toThrow(/machines must be 1\.\.64/);
    expect(() => planClusterNetwork(256, 1)).toThrow(/slot must be 0\.\.255/);
  });

  it.each([
    ["10.213.0.0/24", [0x0ad50000, 24]],
    ["10.213.5.77/30", [0x0ad5054c, 30]],
    ["192.0.2.2", [0xc0000202, 32]],
    ["0.0.0.0/0", [0, 0]],
    ["10.213.0.256/24", undefined],
    ["fe80::1/64", undefined],
    ["default", undefined],
  ])("parsePrefix(%s)", (text, expected) => {
    expect(parsePrefix(text)).toEqual(expected);
  });

  // `ip -4 -o addr show` and `ip -4 route show table all` as this machine prints them, plus cases.
  const addr = ["1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever", "4: eth0    inet 192.0.2.2/24 brd 192.0.2.255 scope global eth0\\       valid_lft forever"].join("\n");
  const routes = ["default via 192.0.2.1 dev eth0", "192.0.2.0/24 dev eth0 proto kernel scope link src 192.0.2.2", "local 127.0.0.0/8 dev lo table local proto kernel scope host src 127.0.0.1", "broadcast 192.0.2.255 dev eth0 table local proto kernel scope link src 192.0.2.2"].join("\n");
  it.each([
    ["this machine: nothing in 10.213/16", "", "", new Set<number>(), 0],
    ["a 10.213.0.x address", "9: tun0    inet 10.213.0.9/32 scope global tun0", "", new Set<number>(), 1],
    ["a route into 10.213.1.0/24 and slot 0 taken by another cluster", "", "10.213.1.128/25 via 192.0.2.7 dev eth0", new Set([0]), 2],
    ["a route covering all of 10.213/16", "", "10.213.0.0/16 via 192.0.2.7 dev eth0", new Set<number>(), undefined],
    ["a route covering all of 10/8", "", "blackhole 10.0.0.0/8", new Set<number>(), undefined],
  ])("free slot with %s", (_, moreAddr, moreRoutes, taken, slot) => {
    expect(freeSlot(prefixesInUse(`${addr}\n${moreAddr}`, `${routes}\n${moreRoutes}`), taken)).toBe(slot);
  });

  it.each([
    ["10.213.0.2 dev xxb0r0 src 10.213.0.1 uid 0 \n    cache ", "10.213.0.2", "xxb0r0"],
    ["local 10.213.0.1 dev lo table local src 10.213.0.1 uid 0 \n    cache <local> ", "10.213.0.1", "lo"],
    // What the FACTS §3 gotcha looks like: a namespace address with no route of ours leaves by the default route.
    ["10.213.0.2 via 192.0.2.1 dev eth0 src 192.0.2.2 uid 0 \n    cache ", "10.213.0.2", undefined],
    ["10.213.0.6 dev xxb0r1 src 10.213.0.5 uid 0", "10.213.0.2", undefined],
    ["", "10.213.0.2", undefined],
  ])("directRouteDevice(%j, %s)", (output, address, device) => {
    expect(directRouteDevice(output, address)).toBe(device);
  });
});

const unavailable = netnsUnavailableReason();
if (unavailable !== undefined) process.stderr.write(`live-netns.test.ts: skipping the --netns cluster: ${unavailable}\n`);

const prices = [0.5, 1, 1.5, 2];

function traceOf(invocations: readonly Invocation[]): TraceSource {
  return { kind: "test", spec: { invocations: invocations.length }, prices, expectedInvocations: invocations.length, open: () => new CountingStream(invocations, 8) };
}

function netInode(pid: number | "self"): number {
  const link = readlinkSync(`/proc/${pid}/ns/net`);
  return Number(/^net:\[(\d+)\]$/.exec(link)![1]);
}

/** Listening TCP sockets (address:port) in the network namespace of `pid`, from /proc/PID/net/tcp. */
function listeners(pid: number | "self"): string[] {
  return readFileSync(`/proc/${pid}/net/tcp`, "utf8")
    .split("\n")
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((w) => w[3] === "0A")
    .map((w) => {
      const [hex, port] = w[1]!.split(":") as [string, string];
      const address = [3, 2, 1, 0].map((i) => parseInt(hex.slice(2 * i, 2 * i + 2), 16)).join(".");
      return `${address}:${parseInt(port, 16)}`;
    });
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function namespaces(): string[] {
  return execFileSync("ip", ["netns", "list"], { encoding: "utf8" }).split("\n").map((l) => l.trim().split(/\s+/)[0] ?? "").filter(Boolean);
}

describe.skipIf(unavailable !== undefined)(`xxbench cluster up --netns: each agent in its own network namespace, joined by veth pairs${unavailable ? ` (skipped: ${unavailable})` : ""}`, () => {
  const dir = mkdtempSync(join(tmpdir(), "xxbench-netns-"));
  const clusterDir = join(dir, "cluster");
  afterAll(async () => {
    await clusterDown(clusterDir);
    rmSync(dir, { recursive: true, force: true });
  });

  it("places across the veths: exact outcomes, agents in their namespaces on their addresses, routes on our veths, and down removes every namespace, veth and process", async () => {
    const up = await runCli(["cluster", "up", "--netns", "--dir", clusterDir, "--machines", "2", "--cores", "1", "--tenants", "2", "--warm", "1", "--mem-scale", "0"]);
    expect(up.stderr).toBe("");
    expect(up.code).toBe(0);
    const state = JSON.parse(readFileSync(join(clusterDir, "state.json"), "utf8")) as ClusterState;
    const network = state.network!;
    expect(network.machines).toHaveLength(2);
    const slot = Number(/^10\.213\.(\d+)\.0\/24$/.exec(network.subnet)![1]);
    expect(network).toEqual(planClusterNetwork(slot, 2));
    for (const m of network.machines) expect(up.stdout).toContain(`machine ${m.machine} in network namespace ${m.namespace}: ${m.namespaceAddress} via veth ${m.rootDevice} (${m.rootAddress}); shards on ${network.serviceAddress}\n`);

    // The shard takes each machine only at its own namespace address.
    const shardUrl = state.components.find((c) => c.role === "shard")!.url;
    for (const [machine, url] of [[1, `http://${network.machines[0]!.namespaceAddress}:1/`], [0, "http://127.0.0.1:1/"], [0, "http://192.0.2.9:1/"]] as const) {
      const answer = await request(new URL("register", shardUrl), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ machine, url, cores: 1, memoryMb: 2048 }) });
      expect([answer.statusCode, (await answer.body.text()).trim()]).toEqual([400, "register needs machine and a loopback url (or the machine's namespace address)"]);
    }

    // Routes from this (the root) namespace to each agent address go straight onto our veth, never the default route.
    for (const m of network.machines) {
      expect(directRouteDevice(execFileSync("ip", ["-4", "route", "get", m.namespaceAddress], { encoding: "utf8" }), m.namespaceAddress)).toBe(m.rootDevice);
    }

    const shard = state.components.find((c) => c.role === "shard")!;
    const gateway = state.components.find((c) => c.role === "gateway")!;
    const agents = state.components.filter((c) => c.role === "agent");
    expect(shard.url).toMatch(new RegExp(`^http://${network.serviceAddress.replaceAll(".", "\\.")}:\\d+/$`));
    expect(gateway.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const ours = netInode("self");
    for (const agent of agents) {
      const m = network.machines[agent.index]!;
      expect(agent.namespace).toBe(m.namespace);
      // In its namespace: not ours, and the very namespace `ip netns` names.
      expect(netInode(agent.pid)).not.toBe(ours);
      expect(netInode(agent.pid)).toBe(statSync(`/run/netns/${m.namespace}`).ino);
      // Listening on the namespace address, inside that namespace only.
      const listen = `${m.namespaceAddress}:${new URL(agent.url).port}`;
      expect(agent.url).toBe(`http://${listen}/`);
      expect(listeners(agent.pid)).toContain(listen);
      expect(listeners("self")).not.toContain(listen);
      // Its function processes are in the namespace too.
      const children = childrenOf(agent.pid);
      expect(children.length).toBeGreaterThan(0);
      for (const child of children) expect(netInode(child)).toBe(netInode(agent.pid));
    }
    expect(netInode(shard.pid)).toBe(ours);
    expect(netInode(gateway.pid)).toBe(ours);

    // A small replay from this namespace to the gateway on loopback; the gateway's hops to the agents cross the veths.
    const count = 24;
    const invocations = Array.from({ length: count }, (_, id) => invocation({ id, arrivalMs: id * 15, workMs: 20, tenant: `tenant-${id % 2}`, priceClass: id % 4, memPeakMb: 10 }));
    const { store, dispose } = await openTempStore();
    try {
      const backend = liveBackend(state.gatewayUrl, { network: defaultNetworkOptions, clusterDir }, prices);
      const [run] = await replay({ store, trace: traceOf(invocations), backends: [backend], seed: 1, signal: new AbortController().signal, maxLatenessMs: 1000 });
      expect(run!.summary.outcomes).toEqual({ ok: count, killed: 0, throttled: 0, failed: 0, timeout: 0, dropped: 0 });
      const rows = (await store.query(`SELECT machine::INTEGER AS machine, count(*)::INTEGER AS n FROM invocations WHERE run_id = $run AND status = 'ok' GROUP BY machine ORDER BY machine`, { run: run!.runId })) as { machine: number; n: number }[];
      expect(rows.reduce((sum, r) => sum + r.n, 0)).toBe(count);
      expect(rows.map((r) => r.machine)).toEqual([0, 1]);
      // Each agent's own count, asked at its namespace address, agrees with the store.
      const status = await runCli(["cluster", "status", "--dir", clusterDir]);
      expect(status.code).toBe(0);
      for (const r of rows) expect(status.stdout).toMatch(new RegExp(`^agent ${r.machine} +pid \\d+ +http://${network.machines[r.machine]!.namespaceAddress.replaceAll(".", "\\.")}:\\d+/ +running 0/1, waiting 0, .* ok ${r.n}, failed 0`, "m"));
      expect(status.stdout).toMatch(new RegExp(`^shard 0 .*placed ${count}, .*\\[m0:load \\d+ m1:load \\d+\\]`, "m"));
      expect(status.stdout).toMatch(new RegExp(`^gateway .* ok ${count}, refused 0, failed 0`, "m"));
    } finally {
      dispose();
    }

    // A restarted agent goes back into its namespace.
    const machine1 = network.machines[1]!;
    const old = agents.find((a) => a.index === 1)!;
    const oldChildren = childrenOf(old.pid);
    process.kill(-old.pid, "SIGKILL");
    for (let i = 0; i < 100 && [old.pid, ...oldChildren].some((pid) => isAlive(pid)); i++) await new Promise((r) => setTimeout(r, 50));
    const fresh = await restartAgent(clusterDir, 1);
    expect(fresh.namespace).toBe(machine1.namespace);
    expect(netInode(fresh.pid)).toBe(statSync(`/run/netns/${machine1.namespace}`).ino);
    expect(fresh.url).toMatch(new RegExp(`^http://${machine1.namespaceAddress.replaceAll(".", "\\.")}:\\d+/$`));
    // It registered again with the shard, across its veth (2 machines at start, then this one).
    const shardStatus = await request(new URL("status", shardUrl));
    expect(((await shardStatus.body.json()) as { registrations: number }).registrations).toBe(3);
    const restarted = (JSON.parse(readFileSync(join(clusterDir, "state.json"), "utf8")) as ClusterState).components;
    expect(restarted.find((c) => c.role === "agent" && c.index === 1)!.pid).toBe(fresh.pid);

    const pids = [...restarted.map((c) => c.pid), old.pid, ...oldChildren, ...restarted.filter((c) => c.role === "agent").flatMap((a) => childrenOf(a.pid))];
    const down = await runCli(["cluster", "down", "--dir", clusterDir]);
    expect(down.stderr).toBe("");
    expect(down.stdout).toBe("stopped 4 components\n");
    expect(pids.filter((pid) => isAlive(pid))).toEqual([]);
    expect(namespaces().filter((n) => network.machines.some((m) => m.namespace === n))).toEqual([]);
    expect(network.machines.filter((m) => deviceExists(m.rootDevice)).map((m) => m.rootDevice)).toEqual([]);
    expect(existsSync(join(clusterDir, "state.json"))).toBe(false);
  });
});

describe.skipIf(unavailable !== undefined)(`network namespaces without a cluster${unavailable ? ` (skipped: ${unavailable})` : ""}`, () => {
  it("two clusters' networks take different /24s; a state file with only a network (up died before its components) is cleaned by down", async () => {
    const a = await createClusterNetwork(1);
    const b = await createClusterNetwork(2);
    const dir = mkdtempSync(join(tmpdir(), "xxbench-netns-state-"));
    try {
      expect(b.subnet).not.toBe(a.subnet);
      expect(namespaces()).toEqual(expect.arrayContaining([...a.machines, ...b.machines].map((m) => m.namespace)));
      checkRoutes(a);
      checkRoutes(b);
      writeClusterState(dir, { gatewayUrl: "", keys: {}, components: [], config: {}, startedAt: new Date().toISOString(), network: b });
      expect(await clusterDown(dir)).toBe(0);
      expect(existsSync(join(dir, "state.json"))).toBe(false);
      expect(namespaces().filter((n) => b.machines.some((m) => m.namespace === n))).toEqual([]);
      expect(b.machines.filter((m) => deviceExists(m.rootDevice))).toEqual([]);
    } finally {
      expect(await deleteClusterNetwork(a)).toEqual([]);
      await deleteClusterNetwork(b);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("cluster up --netns refusals", () => {
  it("refuses before any traffic when a namespace address would not route onto our veth (here: the namespaces were never made)", () => {
    const plan = planClusterNetwork(250, 1);
    expect(() => checkRoutes(plan)).toThrow(NetnsRefusedError);
    expect(() => checkRoutes(plan)).toThrow(/^refusing to start: 10\.213\.250\.1 is not an address of this machine \(ip route get said: 10\.213\.250\.1 via /);
  });

  const setpriv = spawnSync("setpriv", ["--version"]).status === 0;
  // A checkout in a private folder (mktemp -d, a 0700 home) is closed to nobody: nothing to run then.
  const nobodyCanRunCli = setpriv && spawnSync("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "test", "-r", cliPath]).status === 0;
  it.skipIf(process.getuid?.() !== 0 || !nobodyCanRunCli)("refuses in one line, exit 2, as a user other than root (run as nobody with setpriv; skipped where nobody cannot read the checkout)", () => {
    // nobody cannot enter the run's private temp folder: tsx gets its own, removed below.
    const temp = mkdtempSync(join("/tmp", "xxbench-netns-nobody-"));
    chmodSync(temp, 0o777);
    try {
      const result = spawnSync("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", process.execPath, cliPath, "cluster", "up", "--netns", "--dir", join(temp, "cluster")], { encoding: "utf8", env: { ...process.env, TMPDIR: temp }, timeout: 60_000 });
      expect(result.stderr).toBe("xxbench: --netns needs root to create network namespaces (running as uid 65534)\n");
      expect(result.status).toBe(2);
      expect(existsSync(join(temp, "cluster"))).toBe(false);
    } finally {
      rmSync(temp, { recursive: true, force: true });
    }
  });
});
