import { request } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { MuCoordinatorClient } from "../../../../adapters/lambda/mu/mu-coordinator-client.ts";
import { MuCoordinatorService } from "../../../../adapters/lambda/mu/mu-coordinator-service.ts";
import type { PollReply, RegisterAnswer } from "../../../../adapters/lambda/mu/mu-wire-messages.ts";

/** Sends raw bytes and returns the status and body: bad input must not go through a typed client. */
function raw(url: string, method: string, path: string, body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, url), { method, headers: body !== undefined ? { "content-type": "application/json" } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const task = (id: number) => ({ task: id, seed: 1, sourcePx: 8, thumbPx: 2 });

describe("μ coordinator service on loopback", () => {
  let service: MuCoordinatorService | undefined;
  let client: MuCoordinatorClient | undefined;
  afterEach(async () => {
    client?.close();
    await service?.close();
    service = undefined;
    client = undefined;
  });

  it.each([
    ["unknown route", "POST", "/nowhere", "{}", 404, /no such route/],
    ["wrong method", "GET", "/poll", undefined, 405, /\/poll takes POST/],
    ["not JSON", "POST", "/tasks", "{tasks:", 400, /not JSON/],
    ["not an object", "POST", "/register", "[1]", 400, /must be a JSON object/],
    ["no tasks", "POST", "/tasks", `{"tasks":[]}`, 400, /tasks must be an array of 1 to/],
    ["a task with a fractional size", "POST", "/tasks", `{"tasks":[{"task":1,"seed":1,"sourcePx":8.5,"thumbPx":2}]}`, 400, /sourcePx must be a whole number/],
    ["a negative task id", "POST", "/tasks", `{"tasks":[{"task":-1,"seed":1,"sourcePx":8,"thumbPx":2}]}`, 400, /task must be a whole number from 0/],
    ["a task submitted twice in one body", "POST", "/tasks", JSON.stringify({ tasks: [task(1), task(1)] }), 409, /task 1 was submitted already/],
    ["memory under Lambda's 128 MB", "POST", "/register", `{"worker":1,"memoryMb":64,"remainingMs":1000}`, 400, /memoryMb must be a number from 128 to 10240/],
    ["a CPU share over 1", "POST", "/poll", `{"worker":1,"cpuShare":1.5,"memShare":0,"running":[]}`, 400, /cpuShare must be a number from 0 to 1/],
    ["running not an array", "POST", "/poll", `{"worker":1,"cpuShare":0,"memShare":0,"running":3}`, 400, /running must be an array/],
    ["a poll from a worker never registered", "POST", "/poll", `{"worker":99,"cpuShare":0,"memShare":0,"running":[]}`, 404, /worker 99 is not registered/],
    ["a completion of a task never submitted", "POST", "/complete", `{"worker":1,"task":77,"checksum":"0123abcd","startedAtMs":1,"runMs":1}`, 404, /task 77 was never submitted/],
    ["a checksum that is not 8 hex digits", "POST", "/complete", `{"worker":1,"task":0,"checksum":"xyz","startedAtMs":1,"runMs":1}`, 400, /checksum must be 8 hex digits/],
  ])("%s → %i", async (_name, method, path, body, status, message) => {
    service = await MuCoordinatorService.start({ timeoutMs: 10_000, leaseMs: 1000, maxAttempts: 2 });
    const before = service.status();
    const answer = await raw(service.url, method, path, body);
    expect(answer.status).toBe(status);
    expect((JSON.parse(answer.body) as { error: string }).error).toMatch(message);
    // Refused input changes nothing.
    expect(service.status()).toEqual(before);
  });

  it("a body over 1 MiB → 413, and a second registration of a worker → 409", async () => {
    service = await MuCoordinatorService.start({ timeoutMs: 10_000, leaseMs: 1000, maxAttempts: 2 });
    expect((await raw(service.url, "POST", "/tasks", `{"tasks":[${" ".repeat(1 << 20)}]}`)).status).toBe(413);
    const register = JSON.stringify({ worker: 3, memoryMb: 4096, remainingMs: 10_000 });
    expect((await raw(service.url, "POST", "/register", register)).status).toBe(200);
    expect((await raw(service.url, "POST", "/register", register)).status).toBe(409);
  });

  it("Algorithm 1 over HTTP: a 3-vCPU worker gets 2 tasks then continue; a lease that runs out sends the task to another worker; the first completion wins", async () => {
    service = await MuCoordinatorService.start({ timeoutMs: 10_000, leaseMs: 150, maxAttempts: 3 });
    client = new MuCoordinatorClient(service.url);
    expect(await client.post("/tasks", { tasks: [task(0), task(1), task(2)] })).toEqual({ accepted: 3 });
    expect(await client.post<RegisterAnswer>("/register", { worker: 1, memoryMb: 4096, remainingMs: 10_000 })).toEqual({ vcpus: 3, slots: 2, timeoutMs: 10_000 });
    const poll = (worker: number, running: number[]) => client!.post<PollReply>("/poll", { worker, cpuShare: 0, memShare: 0, running });
    expect(await poll(1, [])).toMatchObject({ kind: "assign", task: { task: 0 } });
    expect(await poll(1, [0])).toMatchObject({ kind: "assign", task: { task: 1 } });
    expect(await poll(1, [0, 1])).toEqual({ kind: "continue" });
    expect(service.workers.get(1)!.peakOutstanding).toBe(2);
    // Worker 1 goes silent; its two leases run out and its tasks go back to the front of the pool.
    await sleep(400);
    expect(service.status()).toMatchObject({ reassignments: 2, pooled: 3, leased: 0 });
    expect(service.workers.get(1)!.outstanding.size).toBe(0);
    await client.post("/register", { worker: 2, memoryMb: 4096, remainingMs: 10_000 });
    expect(await poll(2, [])).toMatchObject({ kind: "assign", task: { task: 0 } });
    // The silent worker was only slow: it finishes task 0 first, so worker 2's run is the duplicate.
    expect(await client.post("/complete", { worker: 1, task: 0, checksum: "0123abcd", startedAtMs: 5, runMs: 1 })).toEqual({ accepted: true });
    expect(await client.post("/complete", { worker: 2, task: 0, checksum: "0123abcd", startedAtMs: 5, runMs: 1 })).toEqual({ accepted: false });
    expect(service.tasks.get(0)).toMatchObject({ status: "ok", attempts: 2 });
    expect(service.status()).toMatchObject({ completed: 1, duplicateCompletions: 1 });
    // A worker forgotten for silence is told to shut down.
    expect(await poll(1, [])).toEqual({ kind: "shutdown" });
  });

  it("a worker registered with only 20 % of a 1 s timeout left is past its taking window: idle, it is told to shut down", async () => {
    service = await MuCoordinatorService.start({ timeoutMs: 1000, leaseMs: 1000, maxAttempts: 3 });
    client = new MuCoordinatorClient(service.url);
    await client.post("/tasks", { tasks: [task(0)] });
    await client.post("/register", { worker: 1, memoryMb: 4096, remainingMs: 150 });
    expect(await client.post<PollReply>("/poll", { worker: 1, cpuShare: 0, memShare: 0, running: [] })).toEqual({ kind: "shutdown" });
    expect(service.status().pooled).toBe(1);
  });
});
