import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { clusterDown } from "../../../adapters/live/cluster-launcher.ts";
import type { ClusterState } from "../../../adapters/live/cluster-state.ts";
import { isAlive } from "../../../adapters/process-liveness.ts";
import { runCli } from "../../support/run-cli.ts";

describe("xxbench cluster up / status / down and replay --backend sim:xx --backend live:URL, through the real executable", () => {
  const dir = mkdtempSync(join(tmpdir(), "xxbench-cluster-cli-"));
  const clusterDir = join(dir, "cluster");
  afterAll(async () => {
    await clusterDown(clusterDir);
    rmSync(dir, { recursive: true, force: true });
  });

  it("starts the plane, replays one trace on the simulator and on the plane, shows status, and stops every process by pid", async () => {
    const up = await runCli(["cluster", "up", "--dir", clusterDir, "--machines", "2", "--cores", "2", "--tenants", "3"]);
    expect(up.stderr).toBe("");
    expect(up.code).toBe(0);
    const state = JSON.parse(readFileSync(join(clusterDir, "state.json"), "utf8")) as ClusterState;
    expect(up.stdout).toContain(`gateway ${state.gatewayUrl}\n`);
    expect(up.stdout.match(/^key tenant-\d xxk_\S+$/gm)).toHaveLength(3);
    expect(state.components.map((c) => `${c.role}${c.index}`)).toEqual(["shard0", "agent0", "agent1", "gateway0"]);

    const db = join(dir, "runs.duckdb");
    const replay = await runCli(["replay", "synthetic", "--invocations", "60", "--load", "0.5", "--tenants", "3", "--machines", "2", "--cores", "2", "--backend", "sim:xx", "--backend", `live:${state.gatewayUrl}`, "--cluster-dir", clusterDir, "--max-lateness-ms", "1000", "--db", db, "--quiet"]);
    expect(replay.stderr).toBe("");
    expect(replay.code).toBe(0);
    const counts = await runCli(["sql", "--db", db, "SELECT backend || ' ' || count(*) FILTER (WHERE invocations.status = 'ok') || ' of ' || count(*) AS line FROM invocations JOIN runs USING (run_id) GROUP BY backend ORDER BY backend"]);
    expect(counts.code).toBe(0);
    expect(counts.stdout).toContain(`live:${state.gatewayUrl} 60 of 60`);
    expect(counts.stdout).toContain("sim:xx 60 of 60");

    const status = await runCli(["cluster", "status", "--dir", clusterDir]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^shard 0 +pid \d+ .*placed 60/m);
    expect(status.stdout.match(/^agent \d +pid \d+ .*running 0\/2, waiting 0/gm)).toHaveLength(2);
    expect(status.stdout).toMatch(/^gateway +pid \d+ .*ok 60, refused 0, failed 0/m);

    // A shard killed and started again on its port: the agents' heartbeats bring both machines back to it.
    const shard = state.components.find((c) => c.role === "shard")!;
    const running = await runCli(["cluster", "restart", "--dir", clusterDir, "--shard", "0"]);
    expect([running.code, running.stderr]).toEqual([2, `xxbench: shard 0 still runs (pid ${shard.pid}); stop it first\n`]);
    process.kill(-shard.pid, "SIGKILL");
    while (isAlive(shard.pid)) await new Promise((r) => setTimeout(r, 10));
    const down = await runCli(["cluster", "status", "--dir", clusterDir]);
    expect(down.stdout).toMatch(new RegExp(`^shard 0 +pid ${shard.pid} .*not running$`, "m"));
    const restart = await runCli(["cluster", "restart", "--dir", clusterDir, "--shard", "0"]);
    expect(restart.stderr).toBe("");
    const fresh = (JSON.parse(readFileSync(join(clusterDir, "state.json"), "utf8")) as ClusterState).components.find((c) => c.role === "shard")!;
    expect(restart.stdout).toBe(`shard 0 started again: pid ${fresh.pid}, ${shard.url}\n`);
    let shardLine = "";
    for (let tries = 0; tries < 20 && !/m0:load 0 m1:load 0/.test(shardLine); tries++) {
      await new Promise((r) => setTimeout(r, 250));
      shardLine = (await runCli(["cluster", "status", "--dir", clusterDir])).stdout.split("\n").find((l) => l.startsWith("shard 0")) ?? "";
    }
    expect(shardLine).toMatch(new RegExp(`^shard 0 +pid ${fresh.pid} +${shard.url.replace(/[.]/g, "\\.")} +queued 0, placed 0, registrations 2, idle list 0 \\[m0:load 0 m1:load 0\\] \\(restarted 1×\\)$`));

    const again = await runCli(["cluster", "up", "--dir", clusterDir]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/^xxbench: a cluster is already running from .*; stop it with xxbench cluster down first\n$/);

    const stopped = await runCli(["cluster", "down", "--dir", clusterDir]);
    expect(stopped.stdout).toBe("stopped 4 components\n");
    expect([...state.components, fresh].filter((c) => isAlive(c.pid))).toEqual([]);
    expect(existsSync(join(clusterDir, "state.json"))).toBe(false);
  });

  it.each([
    [["cluster", "up", "--machines", "0"], /^xxbench: --machines must be an integer in 1\.\.64 \(got 0\)\n$/],
    [["cluster", "up", "--work-mode", "sleep"], /^xxbench: --work-mode must be timed or cpu \(got sleep\)\n$/],
    [["cluster", "status", "--dir", join(tmpdir(), "no-such-cluster")], /^xxbench: no cluster state in .* \(start one with xxbench cluster up\)\n$/],
    [["cluster", "restart", "--dir", join(tmpdir(), "no-such-cluster")], /^xxbench: name one component: --shard S or --machine M\n$/],
    [["cluster", "restart", "--shard", "0", "--dir", join(tmpdir(), "no-such-cluster")], /^xxbench: no cluster state in .* \(start one with xxbench cluster up\)\n$/],
    [["replay", "--invocations", "5", "--backend", "live:http://127.0.0.1:9/", "--cluster-dir", join(tmpdir(), "no-such-cluster")], /^xxbench: backend live:http:\/\/127\.0\.0\.1:9\/: no cluster state in .* to read tenant keys from/],
    [["replay", "--invocations", "5", "--backend", "live:http://10.0.0.1:9/"], /^xxbench: backend live:http:\/\/10\.0\.0\.1:9\/: the live plane runs on loopback only \(got host 10\.0\.0\.1\)\n$/],
  ])("refuses %j in one line, exit 2", async (args, line) => {
    const result = await runCli(args);
    expect(result.stderr).toMatch(line);
    expect(result.code).toBe(2);
  });
});
