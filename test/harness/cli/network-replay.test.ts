import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RunStore } from "../../../harness/store/run-store.ts";
import { startReferenceServer, type RunningReferenceServer } from "../../support/reference-server.ts";
import { runCliInProcess as runMain } from "../../support/run-cli-in-process.ts";
import { runCli } from "../../support/run-cli.ts";
import { useTempDirs } from "../../support/temp-dir.ts";

const tempDir = useTempDirs();
let server: RunningReferenceServer;

beforeAll(async () => {
  server = await startReferenceServer({ workers: 2, workMode: "sleep", memScale: 0 });
});
afterAll(async () => {
  await server?.stop();
});

/** A loopback port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

const small = ["--rate", "100", "--duration-s", "2", "--work-mean-ms", "2", "--work-sd-ms", "0", "--arrivals", "constant"];

describe("xxbench replay against a real server on loopback (the reference function server)", () => {
  it("runs the simulator and the server side by side on the identical stream, states the plan first, and stores the ledger", async () => {
    const db = join(tempDir(), "n.duckdb");
    const r = await runMain(["replay", ...small, "--backend", "sim:hermod", "--backend", `http:${server.url}`, "--max-lateness-ms", "1000", "--db", db]);
    expect(r.stderr).toMatch(new RegExp(`^xxbench: plan for http:${server.url}: (199|200) invocations over 2\\.0 s of wall time each, mean 100/s, peak 100/s \\(second \\d\\)$`, "m"));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Sending (network runs");
    const store = await RunStore.open(db, { readOnly: true });
    try {
      const runs = await store.query(`SELECT backend, status, stream_digest, degraded FROM runs ORDER BY run_id`);
      expect(runs.map((x) => [x.backend, x.status, x.degraded])).toEqual([
        ["sim:hermod", "complete", null],
        [`http:${server.url}`, "complete", null],
      ]);
      expect(runs[0]!.stream_digest).toBe(runs[1]!.stream_digest);
      const [ledger] = await store.query(
        `SELECT count(*)::INTEGER AS n, count(*) FILTER (WHERE status = 'ok')::INTEGER AS ok, count(sent_ms)::INTEGER AS sent,
                count(*) FILTER (WHERE latency_ms < response_ms)::INTEGER AS latency_below_response,
                count(server_exec_ms)::INTEGER AS with_exec, min(http_status)::INTEGER AS lo, max(http_status)::INTEGER AS hi
         FROM outcomes WHERE run_id = 2`,
      );
      const n = Number(ledger!.n);
      expect([199, 200]).toContain(n);
      expect(ledger).toEqual({ n, ok: n, sent: n, latency_below_response: 0, with_exec: n, lo: 200, hi: 200 });
    } finally {
      store.close();
    }
  });

  it("flags a run whose p99 lateness exceeds --max-lateness-ms as degraded, in runs and summary", async () => {
    const db = join(tempDir(), "d.duckdb");
    // No driver keeps p99 lateness under a nanosecond: the run must be flagged.
    const r = await runMain(["replay", ...small, "--backend", `http:${server.url}`, "--max-lateness-ms", "0.000001", "--db", db]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/xxbench: run 1 http:\S+ is DEGRADED: p99 lateness [\d.]+ ms > --max-lateness-ms 0\.000001\n/);
    const runs = await runMain(["runs", "--db", db]);
    expect(runs.stdout).toContain("complete, DEGRADED");
    const summary = await runMain(["summary", "--db", db]);
    expect(summary.stdout).toMatch(/DEGRADED: p99 lateness/);
  });

  it("Ctrl-C (SIGINT to the real executable) stops sending, drains, and stores the run interrupted with every sent invocation accounted for", async () => {
    const db = join(tempDir(), "c.duckdb");
    let signalled = false;
    // 60 s of sends at 100/s, interrupted once the progress line shows sends under way.
    const r = await runCli(["replay", "--rate", "100", "--duration-s", "60", "--work-mean-ms", "2", "--work-sd-ms", "0", "--backend", `http:${server.url}`, "--drain-s", "5", "--db", db], (stderr, kill) => {
      if (!signalled && /sent \d/.test(stderr)) {
        signalled = true;
        kill("SIGINT");
      }
    });
    expect(signalled).toBe(true);
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/interrupted after \d+ invocations; stored as interrupted/);
    const store = await RunStore.open(db, { readOnly: true });
    try {
      const [run] = await store.query(
        `SELECT status, error, (SELECT count(*)::INTEGER FROM invocations) AS rows, (SELECT count(sent_ms)::INTEGER FROM invocations) AS sent,
                (SELECT count(DISTINCT invocation_id)::INTEGER FROM invocations) AS distinct_ids FROM runs`,
      );
      expect(run!.status).toBe("interrupted");
      const rows = Number(run!.rows);
      // Far fewer than the 6,000 planned: sending stopped at once, and every sent one has its row.
      expect(rows).toBeGreaterThan(0);
      expect(rows).toBeLessThan(3000);
      expect(run).toMatchObject({ sent: rows, distinct_ids: rows, error: `interrupted by the user after ${rows} invocations, every one accounted for` });
    } finally {
      store.close();
    }
  });

  it("refuses an unreachable URL in one line before any run is stored", async () => {
    const db = join(tempDir(), "u.duckdb");
    const port = await closedPort();
    const r = await runMain(["replay", ...small, "--backend", `http:http://127.0.0.1:${port}/`, "--db", db]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain(`127.0.0.1:${port}`);
    expect(existsSync(db)).toBe(false);
  });

  it("refuses a bad function-map file in one line naming the file, before anything is sent", async () => {
    const dir = tempDir();
    const map = join(dir, "map.json");
    writeFileSync(map, `{ "fn-1": { "url": "/f/{{fn}}", "method": "FETCH" } }`);
    const db = join(dir, "m.duckdb");
    const r = await runMain(["replay", ...small, "--backend", `http:${server.url}`, "--function-map", map, "--db", db]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain(map);
    expect(existsSync(db)).toBe(false);
  });

  it.each([
    [["--timeout-ms", "100", "--backend", "sim:xx"], "--timeout-ms has no effect on sim:xx (only network backends, http:URL and live:URL, use it)"],
    [["--max-in-flight", "0", "--backend", "http:http://127.0.0.1:1/"], "--max-in-flight must be a whole number from 1 to 100000 (got 0)"],
    [["--max-lateness-ms", "-1", "--backend", "http:http://127.0.0.1:1/"], "--max-lateness-ms must be > 0 ms (got -1)"],
    [["--backend", "http:ftp://x/"], "the URL must be http:// or https://"],
  ])("%j is one line and exit 2", async (args, message) => {
    const r = await runMain(["replay", ...small, ...args, "--db", join(tempDir(), "x.duckdb")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });
});
