import { request } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { ShardServer } from "../../../adapters/live/shard-server.ts";

/** A shard server on loopback, in this process; the machines are only registered URLs (nothing is sent to them). */
async function shardWith(machines: number): Promise<ShardServer> {
  const shard = await ShardServer.start({ shard: 0, machines, prices: [1, 2], k: 2, strict: false, idleList: false, seed: 7, host: "127.0.0.1", port: 0 });
  for (let m = 0; m < machines; m++) expect((await post(shard, "/register", { machine: m, url: `http://127.0.0.1:${40000 + m}/` })).status).toBe(200);
  return shard;
}

async function post(shard: ShardServer, path: string, body: unknown): Promise<{ status: number; body: string }> {
  const response = await request(new URL(path, shard.url), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: response.statusCode, body: await response.body.text() };
}

async function place(shard: ShardServer, tenant: string, fn: string): Promise<number> {
  const answer = await post(shard, "/place", { cls: 0, uid: 0, tenant, fn });
  expect(answer.status).toBe(200);
  return (JSON.parse(answer.body) as { machine: number }).machine;
}

const hint = (machine: number, holdMs: number, tenant = "t0", fn = "g") => ({ machine, tenant, fn, holdMs, cores: 2 });

describe("a shard places a predicted call on the machine its agent said holds the freshened process", () => {
  let shard: ShardServer | undefined;
  afterEach(async () => {
    await shard?.stop();
    shard = undefined;
  });

  it("each held call goes to its holding machine, once per hold; then the pick rule places again", async () => {
    shard = await shardWith(8);
    for (const machine of [5, 2, 7, 0, 6, 3]) {
      expect((await post(shard, "/hint", hint(machine, 2000))).status).toBe(200);
      expect(await place(shard, "t0", "g")).toBe(machine);
      // The placement counts on the machine's load until it reports again.
      await post(shard, "/report", { machine, functions: 0 });
    }
    expect(shard.status()).toMatchObject({ heldPlacements: 6, holds: 0 });
    // Spent: the next calls of g fall back to power-of-k over all 8 machines.
    const spread = new Set<number>();
    for (let i = 0; i < 40; i++) spread.add(await place(shard, "t0", "g"));
    expect(spread.size).toBeGreaterThan(2);
    expect(shard.status()).toMatchObject({ heldPlacements: 6 });
  });

  it("a hold is the tenant's and the function's only, ends when its agent says so or when it runs out, and is ignored for a full or down machine", async () => {
    shard = await shardWith(2);
    await post(shard, "/hint", hint(1, 2000));
    // Another tenant's g, or the same tenant's h: not this hold.
    expect((shard.status() as { holds: number }).holds).toBe(1);
    await place(shard, "t1", "g");
    await place(shard, "t0", "h");
    expect(shard.status()).toMatchObject({ heldPlacements: 0, holds: 1 });
    // Cleared by another machine's agent: not its hold to clear. Cleared by its own: gone.
    await post(shard, "/hint", hint(0, 0));
    expect(shard.status()).toMatchObject({ holds: 1 });
    await post(shard, "/hint", hint(1, 0));
    expect(shard.status()).toMatchObject({ holds: 0 });
    // Runs out: a 30 ms hold, asked for after 80 ms.
    await post(shard, "/hint", hint(1, 30));
    await new Promise((resolve) => setTimeout(resolve, 80));
    await place(shard, "t0", "g");
    expect(shard.status()).toMatchObject({ heldPlacements: 0, holds: 0 });
    // Machine 1 full (2 functions on 2 cores): the pick rule decides, never machine 1's hold.
    await post(shard, "/report", { machine: 1, functions: 2 });
    await post(shard, "/hint", hint(1, 2000));
    await place(shard, "t0", "g");
    expect(shard.status()).toMatchObject({ heldPlacements: 0 });
    // Machine 1 down: likewise.
    await post(shard, "/report", { machine: 1, functions: 0 });
    await post(shard, "/machine-down", { machine: 1, url: "http://127.0.0.1:40001/" });
    await post(shard, "/hint", hint(1, 2000));
    expect(await place(shard, "t0", "g")).toBe(0);
    expect(shard.status()).toMatchObject({ heldPlacements: 0 });
  });

  it.each([
    [{ machine: 9, tenant: "t", fn: "g", holdMs: 10, cores: 2 }],
    [{ machine: 0, fn: "g", holdMs: 10, cores: 2 }],
    [{ machine: 0, tenant: "t", holdMs: 10, cores: 2 }],
    [{ machine: 0, tenant: "t", fn: "g", holdMs: -1, cores: 2 }],
    [{ machine: 0, tenant: "t", fn: "g", holdMs: 60_001, cores: 2 }],
    [{ machine: 0, tenant: "t", fn: "g", holdMs: 10, cores: 0 }],
    [{ machine: 0, tenant: "t", fn: "g", holdMs: 10 }],
  ])("refuses a malformed hint %j with 400", async (body) => {
    shard ??= await shardWith(2);
    const answer = await post(shard, "/hint", body);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatch(/^a hint needs machine, tenant, fn, holdMs \(0\.\.60000\) and cores\n$/);
    await shard.stop();
    shard = undefined;
  });
});
