import { afterEach, describe, expect, it } from "vitest";
import { request } from "undici";
import { noMachineHeader, ShardServer } from "../../../adapters/live/shard-server.ts";

/**
 * A real shard server on loopback (in this process), spoken to as agents and the gateway do: how
 * it learns machines, forgets them, and tells an agent it does not know to register again — what
 * a restarted shard relies on to relearn its machines.
 */
describe("shard registration: a report from a machine the shard does not know is answered 404 register, and a registration carries the machine's state", () => {
  let shard: ShardServer | undefined;
  afterEach(async () => {
    await shard?.stop();
    shard = undefined;
  });

  const start = async (idleList: boolean): Promise<ShardServer> => {
    shard = await ShardServer.start({ shard: 0, machines: 2, prices: [1, 2], k: 2, strict: false, idleList, seed: 1, host: "127.0.0.1", port: 0 });
    return shard;
  };
  const post = async (s: ShardServer, path: string, value: unknown): Promise<{ status: number; body: string; headers: Record<string, unknown> }> => {
    const r = await request(new URL(path, s.url), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(value) });
    return { status: r.statusCode, body: await r.body.text(), headers: r.headers };
  };
  const machines = (s: ShardServer): { up: boolean; load: number | null; idleListed: boolean }[] => s.status().machines as { up: boolean; load: number | null; idleListed: boolean }[];
  const url0 = "http://127.0.0.1:1/";

  it("unknown machine: its report is refused 404 'register', nothing is placed (503 with the no-machine header)", async () => {
    const s = await start(true);
    const report = await post(s, "report", { machine: 0, functions: 1, idle: { kind: "update", machine: 0, shard: 0, freeMb: 10, functions: 1 } });
    expect([report.status, report.body]).toEqual([404, "machine 0 is unknown to shard 0: register\n"]);
    const place = await post(s, "place", { cls: 0 });
    expect([place.status, place.headers[noMachineHeader]]).toEqual([503, "1"]);
    expect(s.status().idleListSize).toBe(0);
  });

  it("a registration sets the machine's load and idle-list entry at once; registering again replaces them", async () => {
    const s = await start(true);
    expect((await post(s, "register", { machine: 1, url: url0, functions: 3, idle: { freeMb: 700, functions: 3 } })).status).toBe(200);
    expect(machines(s)).toEqual([
      { machine: 0, up: false, load: null, placed: 0, idleListed: false },
      { machine: 1, up: true, load: 3, placed: 0, idleListed: true },
    ]);
    // Reports are deltas on the registered entry: an update is accepted, a second join is out of step (409).
    expect((await post(s, "report", { machine: 1, functions: 2, idle: { kind: "update", machine: 1, shard: 0, freeMb: 800, functions: 2 } })).status).toBe(200);
    expect((await post(s, "report", { machine: 1, functions: 2, idle: { kind: "join", machine: 1, shard: 0, freeMb: 800, functions: 2 } })).status).toBe(409);
    // Registered again (the agent's answer to 404 or 409), not listed: the old entry goes.
    expect((await post(s, "register", { machine: 1, url: url0, functions: 0, idle: null })).status).toBe(200);
    expect([machines(s)[1], s.status().idleListSize, s.counters.registrations]).toEqual([{ machine: 1, up: true, load: 0, placed: 0, idleListed: false }, 0, 2]);
    const placed = await post(s, "place", { cls: 1 });
    expect([placed.status, JSON.parse(placed.body).machine]).toEqual([200, 1]);
    expect(machines(s)[1]).toMatchObject({ load: 1, placed: 1 });
  });

  it("a machine the gateway reported down is unknown until it registers again: its next report (a heartbeat) is answered 404", async () => {
    const s = await start(false);
    await post(s, "register", { machine: 0, url: url0 });
    expect((await post(s, "report", { machine: 0, functions: 0, idle: null })).status).toBe(200);
    await post(s, "machine-down", { machine: 0, url: url0 });
    expect((await post(s, "report", { machine: 0, functions: 0, idle: null })).status).toBe(404);
    await post(s, "register", { machine: 0, url: url0, functions: 2 });
    expect(machines(s)[0]).toMatchObject({ up: true, load: 2 });
  });

  it.each([
    [{ machine: 0, url: url0, functions: -1 }, /functions must be a count/],
    [{ machine: 0, url: url0, functions: "2" }, /functions must be a count/],
    [{ machine: 0, url: url0, idle: { freeMb: "x", functions: 0 } }, /idle must be null or an entry/],
    [{ machine: 0, url: url0, idle: 5 }, /idle must be null or an entry/],
    [{ machine: 2, url: url0 }, /register needs machine/],
  ])("refuses register %j with 400, learning nothing", async (body, line) => {
    const s = await start(true);
    const answer = await post(s, "register", body);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatch(line);
    expect(machines(s).map((m) => m.up)).toEqual([false, false]);
  });
});
