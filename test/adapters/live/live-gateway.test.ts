import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listenBacklog } from "../../../adapters/http/listen-backlog.ts";
import { liveHeaders } from "../../../adapters/live/live-headers.ts";
import { callGateway, startTestCluster, type TestCluster } from "./live-cluster-support.ts";

/**
 * The gateway of a real live plane (gateway, shard and two machine agents as separate processes
 * on loopback): what it refuses, with which status, and that it keeps serving afterwards.
 */
describe("the live gateway refuses bad requests, other tenants' keys and forged or replayed class tokens", () => {
  let cluster: TestCluster;
  let key0: string;
  let key1: string;

  beforeAll(async () => {
    cluster = await startTestCluster();
    key0 = cluster.state.keys["tenant-0"]!;
    key1 = cluster.state.keys["tenant-1"]!;
  });
  afterAll(async () => {
    await cluster?.down();
  });

  const good = JSON.stringify({ id: 1, tenant: "tenant-0", priceClass: 1, workMs: 5, memPeakMb: 10 });

  it.each([
    ["no key", { body: good }, 401, /no API key/],
    ["an unknown key", { key: "xxk_not-a-key", body: good }, 401, /unknown API key/],
    ["a body that is not JSON", { key: "K0", body: "{nope" }, 400, /not JSON/],
    ["a JSON array", { key: "K0", body: "[1,2]" }, 400, /JSON object/],
    ["a class out of range", { key: "K0", body: JSON.stringify({ priceClass: 4, workMs: 5 }) }, 400, /priceClass must be a class in 0\.\.3/],
    ["a fractional class", { key: "K0", body: JSON.stringify({ priceClass: 1.5, workMs: 5 }) }, 400, /priceClass/],
    ["negative work", { key: "K0", body: JSON.stringify({ workMs: -1 }) }, 400, /workMs must be a number of ms/],
    ["work as a string", { key: "K0", body: JSON.stringify({ workMs: "5" }) }, 400, /workMs/],
    ["work over the plane's limit", { key: "K0", body: JSON.stringify({ workMs: 10_001 }) }, 400, /above this plane's limit of 10000 ms/],
    ["an oversized body", { key: "K0", body: JSON.stringify({ workMs: 5, pad: "x".repeat(20_000) }) }, 413, /body over 16384 bytes/],
    ["another tenant named in the body", { key: "K0", body: JSON.stringify({ tenant: "tenant-1", workMs: 5 }) }, 403, /tenant "tenant-0"'s; it cannot invoke for tenant "tenant-1"/],
    ["an unknown path", { key: "K0", body: good, path: "run" }, 404, /no POST \/run here/],
  ] as [string, { key?: string; body: string; path?: string }, number, RegExp][])("%s → %i", async (_name, request, status, line) => {
    const answer = await callGateway(cluster.state, { ...request, ...(request.key === "K0" ? { key: key0 } : {}) });
    expect(answer.status).toBe(status);
    expect(answer.body).toMatch(line);
    expect(answer.body.trim().split("\n")).toHaveLength(1);
  });

  it("listens with a 4096-connection accept queue: the driver may open hundreds of connections at once", () => {
    // `ss` shows a listening socket's backlog in its Send-Q column; Node's default, 511, overflows.
    const line = execFileSync("ss", ["-Hltn", `sport = :${new URL(cluster.state.gatewayUrl).port}`], { encoding: "utf8" }).trim();
    expect(line.split(/\s+/)[2]).toBe(String(listenBacklog));
  });

  it("still serves a good request after all of those, with the plane's breakdown in headers", async () => {
    const answer = await callGateway(cluster.state, { key: key0, body: good });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ memMb: 0 });
    expect(answer.headers[liveHeaders.ranClass]).toBe("1");
    expect(["0", "1"]).toContain(answer.headers[liveHeaders.machine]);
    const placed = Number(answer.headers[liveHeaders.placedAfter]);
    const started = Number(answer.headers[liveHeaders.startedAfter]);
    expect(placed).toBeGreaterThan(0);
    expect(started).toBeGreaterThanOrEqual(placed);
    // Timed work of 5 ms: the agent ends it once 5 ms have passed while it was not stopped.
    expect(Number(answer.headers[liveHeaders.exec])).toBeGreaterThanOrEqual(5);
    expect(answer.headers[liveHeaders.preemptions]).toBe("0");
  });

  it("a class token raises a call's class once; altered, replayed, borrowed or made-up tokens are refused", async () => {
    const parent = await callGateway(cluster.state, { key: key0, body: JSON.stringify({ priceClass: 3, workMs: 1 }) });
    expect(parent.status).toBe(200);
    const token = parent.headers[liveHeaders.classToken]!;
    const child = JSON.stringify({ priceClass: 0, workMs: 1 });

    // Another tenant cannot borrow it (and trying does not spend it).
    const borrowed = await callGateway(cluster.state, { key: key1, body: child, headers: { [liveHeaders.parentToken]: token } });
    expect([borrowed.status, borrowed.body.trim()]).toEqual([403, "class token belongs to another tenant"]);

    // The same payload claiming a higher class, signature kept: not the gateway's signature.
    const [payload, signature] = token.split(".") as [string, string];
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
    const raised = Buffer.from(JSON.stringify({ ...claims, c: 3, n: "other" })).toString("base64url");
    for (const forged of [`${raised}.${signature}`, `${payload}.${signature.slice(0, 10)}${signature[10] === "A" ? "B" : "A"}${signature.slice(11)}`, "not-a-token", `${payload}`]) {
      const answer = await callGateway(cluster.state, { key: key0, body: child, headers: { [liveHeaders.parentToken]: forged } });
      expect(answer.status).toBe(403);
      expect(answer.body).toMatch(/class token (signature is not the gateway's|is malformed)/);
    }

    const inherited = await callGateway(cluster.state, { key: key0, body: child, headers: { [liveHeaders.parentToken]: token } });
    expect(inherited.status).toBe(200);
    expect(inherited.headers[liveHeaders.ranClass]).toBe("3");

    const replayed = await callGateway(cluster.state, { key: key0, body: child, headers: { [liveHeaders.parentToken]: token } });
    expect([replayed.status, replayed.body.trim()]).toEqual([403, "class token was already used (replayed)"]);

    // Without a token the same call runs at its own class.
    const own = await callGateway(cluster.state, { key: key0, body: child });
    expect(own.headers[liveHeaders.ranClass]).toBe("0");
  });

  it("a trace's parentId inherits only from the same tenant's invocation", async () => {
    const parent = await callGateway(cluster.state, { key: key0, body: JSON.stringify({ id: 500, priceClass: 2, workMs: 1 }) });
    expect(parent.headers[liveHeaders.ranClass]).toBe("2");
    const sameTenant = await callGateway(cluster.state, { key: key0, body: JSON.stringify({ id: 501, parentId: 500, priceClass: 0, workMs: 1 }) });
    expect(sameTenant.headers[liveHeaders.ranClass]).toBe("2");
    const otherTenant = await callGateway(cluster.state, { key: key1, body: JSON.stringify({ id: 502, parentId: 500, priceClass: 0, workMs: 1 }) });
    expect(otherTenant.headers[liveHeaders.ranClass]).toBe("0");
  });
});

describe("idle lists on the live plane: a machine agent lists itself by free memory read from the kernel", () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    // 1000 MB machine: listed while more than 250 MB is free (XX's default 25 %).
    cluster = await startTestCluster({ machines: 1, cores: 1, memoryMb: 1000, memScale: 1, idleList: true });
  });
  afterAll(async () => {
    await cluster?.down();
  });

  async function status(role: "shard" | "agent"): Promise<Record<string, unknown>> {
    const answer = await callGateway(cluster.state, { method: "GET", body: "", path: new URL("status", cluster.state.components.find((c) => c.role === role)!.url).href });
    return JSON.parse(answer.body) as Record<string, unknown>;
  }
  async function until(what: string, check: () => Promise<boolean>): Promise<void> {
    const deadline = performance.now() + 10_000;
    while (!(await check())) {
      if (performance.now() > deadline) throw new Error(`not within 10 s: ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it("joins at start, leaves while a function holds 720 MB, joins again when it is done", async () => {
    await until("machine 0 joins the idle list", async () => (await status("shard")).idleListSize === 1);
    const big = callGateway(cluster.state, { key: cluster.state.keys["tenant-0"]!, body: JSON.stringify({ workMs: 1500, memPeakMb: 720 }) });
    await until("machine 0 leaves the idle list", async () => (await status("shard")).idleListSize === 0);
    expect((await status("agent")).residentMb).toBeGreaterThan(720);
    const answer = await big;
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body).memMb).toBe(720);
    await until("machine 0 joins again", async () => (await status("shard")).idleListSize === 1);
  });

  it("memory full with no swap: the dispatcher kills the lowest class's function (507, killed), the high class completes", async () => {
    const key = cluster.state.keys["tenant-0"]!;
    const low = callGateway(cluster.state, { key, body: JSON.stringify({ priceClass: 0, workMs: 4000, memPeakMb: 600 }) });
    await until("the low-class function holds its 600 MB", async () => Number((await status("agent")).residentMb) > 600);
    const high = callGateway(cluster.state, { key, body: JSON.stringify({ priceClass: 3, workMs: 1000, memPeakMb: 600 }) });
    const [lowAnswer, highAnswer] = await Promise.all([low, high]);
    expect(lowAnswer.status).toBe(507);
    expect(lowAnswer.body).toMatch(/^machine 0: killed: memory full \([\d.]+ MB resident of 1000 MB, no swap\)\n$/);
    expect(lowAnswer.headers[liveHeaders.preemptions]).toBe("1");
    expect(highAnswer.status).toBe(200);
    expect((await status("agent")).killed).toBe(1);
  });
});
