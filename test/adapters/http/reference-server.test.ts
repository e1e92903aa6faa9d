import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listenBacklog } from "../../../adapters/http/listen-backlog.ts";
import { runCliInProcess } from "../../support/run-cli-in-process.ts";
import { isAlive, startReferenceServer, type RunningReferenceServer } from "../../support/reference-server.ts";

interface Reply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
  readonly reusedSocket: boolean;
}

function send(url: string, method: string, body?: string, agent?: Agent, path = "/fn"): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, url), { method, agent, headers: body === undefined ? {} : { "content-type": "application/json" } }, (res) => {
      let text = "";
      res.on("data", (d: Buffer) => (text += d.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, reusedSocket: req.reusedSocket }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const post = (url: string, fields: Record<string, unknown>, agent?: Agent): Promise<Reply> => send(url, "POST", JSON.stringify(fields), agent);

interface WorkReply {
  id: string | number | null;
  worker: number;
  queueMs: number;
  execMs: number;
  cpuMs: number;
  memMb: number;
}

const work = (reply: Reply): WorkReply => JSON.parse(reply.body) as WorkReply;

// Three real servers (each a CLI process with its worker processes), started together.
let sleep2: RunningReferenceServer;
let cpu1: RunningReferenceServer;
let tiny: RunningReferenceServer;

beforeAll(async () => {
  [sleep2, cpu1, tiny] = await Promise.all([
    startReferenceServer({ workers: 2, workMode: "sleep", memScale: 0 }),
    startReferenceServer({ workers: 1, workMode: "cpu", memScale: 0.1, maxWorkMs: 1000 }),
    startReferenceServer({ workers: 1, queue: 1, workMode: "sleep" }),
  ]);
});

afterAll(async () => {
  await Promise.all([sleep2, cpu1, tiny].map((server) => server?.stop()));
});

describe("xxbench functions serve (real processes on loopback)", () => {
  it("prints its URL and answers the health check", async () => {
    expect(sleep2.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const health = await send(sleep2.url, "GET", undefined, undefined, "/healthz");
    expect([health.status, health.body]).toEqual([200, "ok"]);
  });

  it("listens with a 4096-connection accept queue (Node's default 511 overflows when the driver opens hundreds of connections at once)", () => {
    // `ss` shows a listening socket's backlog in its Send-Q column.
    const port = new URL(sleep2.url).port;
    const line = execFileSync("ss", ["-Hltn", `sport = :${port}`], { encoding: "utf8" }).trim();
    expect(line.split(/\s+/)[2]).toBe(String(listenBacklog));
    expect(sleep2.workerPids()).toHaveLength(2);
  });

  it("cpu mode burns workMs of CPU on the worker's process clock and grows memPeakMb × --mem-scale", async () => {
    const reply = await post(cpu1.url, { id: "c1", fn: "f", app: "a", tenant: "t", priceClass: 0, workMs: 250, memPeakMb: 200 });
    expect(reply.status).toBe(200);
    const w = work(reply);
    expect(w.id).toBe("c1");
    expect(w.cpuMs).toBeGreaterThanOrEqual(250);
    expect(w.cpuMs).toBeLessThan(250 + 60);
    // 200 MB × 0.1, allocated and touched.
    expect(w.memMb).toBe(20);
    expect(Number(reply.headers["x-exec-ms"])).toBe(w.execMs);
  });

  it("sleep mode holds workMs of wall time without burning CPU", async () => {
    const reply = await post(sleep2.url, { id: 7, workMs: 200 });
    const w = work(reply);
    expect(w.id).toBe(7);
    expect(w.execMs).toBeGreaterThanOrEqual(200);
    expect(w.execMs).toBeLessThan(300);
    expect(w.cpuMs).toBeLessThan(50);
    expect(w.memMb).toBe(0);
  });

  it("N workers execute N requests at once; the rest wait in the queue and say so in x-queue-ms", async () => {
    const t0 = performance.now();
    const replies = await Promise.all([1, 2, 3, 4].map((id) => post(sleep2.url, { id, workMs: 200 })));
    const elapsed = performance.now() - t0;
    // Two rounds of 200 ms: not one (4 at once) and not four (one at a time).
    expect(elapsed).toBeGreaterThan(390);
    expect(elapsed).toBeLessThan(750);
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    const byQueue = replies.map((r) => ({ header: Number(r.headers["x-queue-ms"]), ...work(r) })).sort((a, b) => a.queueMs - b.queueMs);
    for (const r of byQueue) expect(r.header).toBeCloseTo(r.queueMs, 2);
    // Two ran at once, two waited for a worker to finish its ~200 ms.
    expect(byQueue.map((r) => r.queueMs < 100)).toEqual([true, true, false, false]);
    expect(byQueue[2]!.queueMs).toBeGreaterThan(150);
    expect(byQueue.map((r) => r.worker).sort()).toEqual([0, 0, 1, 1]);
    expect(String(replies[0]!.headers["x-queue-ms"])).toMatch(/^\d+\.\d{3}$/);
  });

  it("the memory a request grows to is resident in its worker while it runs", async () => {
    const [worker] = tiny.workerPids();
    const rssMb = (): number => Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${worker}/status`, "utf8"))![1]) / 1024;
    const before = rssMb();
    // 1000 MB × the default --mem-scale 0.1, held for 800 ms of wall time; on a busy machine
    // touching 100 MB takes a while, so watch the worker's RSS until the reply comes.
    let answered = false;
    const reply = post(tiny.url, { id: "m", workMs: 800, memPeakMb: 1000 }).finally(() => (answered = true));
    let peak = before;
    while (!answered) {
      peak = Math.max(peak, rssMb());
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(work(await reply).memMb).toBe(100);
    expect(peak - before).toBeGreaterThan(95);
  });

  it("startReferenceServer fails with the server's own error line when the server cannot start", async () => {
    await expect(startReferenceServer({ workers: 0 })).rejects.toThrow(/exited \(code 2\) before listening; stderr: xxbench: --workers must be an integer from 1 to 1024 \(got 0\)$/);
  });

  it("answers 429 when the workers are busy and the queue is full", async () => {
    // 1 worker + 1 waiting place: of 4 simultaneous requests 2 are served, 2 refused.
    const replies = await Promise.all([1, 2, 3, 4].map((id) => post(tiny.url, { id, workMs: 400 })));
    const statuses = replies.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 429, 429]);
    expect(replies.find((r) => r.status === 429)!.body).toMatch(/queue full/);
  });

  it("keeps connections alive between requests", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const replies = [];
      for (let id = 0; id < 3; id++) replies.push(await post(sleep2.url, { id, workMs: 0 }, agent));
      expect(replies.map((r) => [r.status, r.reusedSocket])).toEqual([
        [200, false],
        [200, true],
        [200, true],
      ]);
    } finally {
      agent.destroy();
    }
  });

  it.each([
    ["not JSON", "{workMs: 1", /not JSON/],
    ["no workMs", '{"id":1}', /workMs is required/],
    ["negative workMs", '{"id":1,"workMs":-5}', /workMs must be a number of ms ≥ 0 \(got -5\)/],
    ["workMs above --max-work-ms", '{"id":1,"workMs":5000}', /above this server's --max-work-ms 1000/],
    ["an array", "[1]", /JSON object/],
  ])("refuses a bad body (%s) with 400 and a one-line reason", async (_name, body, reason) => {
    const reply = await send(cpu1.url, "POST", body);
    expect(reply.status).toBe(400);
    expect(reply.body).toMatch(reason);
    expect(reply.body.trim().split("\n")).toHaveLength(1);
  });

  it("a worker that dies fails its request with 500 and is replaced", async () => {
    const before = sleep2.workerPids();
    expect(before).toHaveLength(2);
    const victim = post(sleep2.url, { id: "victim", workMs: 2000 });
    await new Promise((resolve) => setTimeout(resolve, 150));
    for (const pid of before) process.kill(pid, "SIGKILL");
    const reply = await victim;
    expect(reply.status).toBe(500);
    expect(reply.body).toMatch(/^worker 0 exited with signal SIGKILL while executing\n$/);
    // A request sent to worker 1 before its death is noticed would fail too: wait until both
    // replacements exist. Requests sent then wait for them to be ready, and run.
    for (let wait = 0; wait < 100 && sleep2.workerPids().filter((pid) => !before.includes(pid)).length < 2; wait++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const after = await Promise.all([1, 2].map((id) => post(sleep2.url, { id, workMs: 10 })));
    expect(after.map((r) => r.status)).toEqual([200, 200]);
    const replaced = sleep2.workerPids();
    expect(replaced).toHaveLength(2);
    expect(replaced.filter((pid) => before.includes(pid))).toEqual([]);
  });

  it("SIGTERM answers the request in flight, ends the workers and exits 0", async () => {
    const workers = tiny.workerPids();
    expect(workers).toHaveLength(1);
    const inFlight = post(tiny.url, { id: "long", workMs: 5000 }).catch((error: Error) => error);
    await new Promise((resolve) => setTimeout(resolve, 150));
    const t0 = performance.now();
    expect(await tiny.stop()).toBe(0);
    expect(performance.now() - t0).toBeLessThan(3000);
    // Aborted, not executed for 5 s, and told so.
    const reply = await inFlight;
    expect(reply instanceof Error ? reply.message : [reply.status, reply.body]).toEqual([503, "server is shutting down: worker 0 exited with signal SIGKILL while executing\n"]);
    expect(workers.filter(isAlive)).toEqual([]);
  });

  it("workers exit when their primary is killed outright", async () => {
    const workers = cpu1.workerPids();
    expect(workers).toHaveLength(1);
    process.kill(cpu1.pid, "SIGKILL");
    await cpu1.stop();
    for (let wait = 0; wait < 50 && workers.some(isAlive); wait++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(workers.filter(isAlive)).toEqual([]);
  });
});

describe("xxbench functions serve: bad flags", () => {
  it("xxbench functions without a subcommand names the one there is", async () => {
    const result = await runCliInProcess(["functions"]);
    expect([result.code, result.stderr]).toEqual([2, "xxbench: name a functions command: serve (see xxbench --help)\n"]);
  });


  it.each([
    [["--workers", "0"], "--workers must be an integer from 1 to 1024 (got 0)"],
    [["--work-mode", "fast"], '--work-mode must be one of cpu, sleep (got "fast")'],
    [["--queue", "-1", "--mem-scale", "-2"], "--queue must be an integer ≥ 0 (got -1); --mem-scale must be a number ≥ 0 (got -2)"],
    [["--port", "70000"], "--port must be an integer from 0 to 65535 (got 70000)"],
  ])("%j: one line, exit 2", async (flags, message) => {
    const result = await runCliInProcess(["functions", "serve", ...flags]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`xxbench: ${message}\n`);
  });
});
