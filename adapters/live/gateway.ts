import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { throttled, XxAdmission } from "../scheduling/xx-admission.ts";
import { connectionErrorText } from "../network/connection-error.ts";
import { ClassTokens } from "./class-token.ts";
import { invokedFunction } from "./function-runtime-protocol.ts";
import { isAmount, parseJsonObject, readBody, sendJson, sendLine, tooLarge } from "./http-exchange.ts";
import { liveHeaders } from "./live-headers.ts";
import { noMachineHeader, type PlacementAnswer } from "./shard-server.ts";
import { bearerKey, TenantKeys } from "./tenant-keys.ts";
import { Upstream, type UpstreamAnswer } from "./upstream.ts";
import { listenBacklog } from "../http/listen-backlog.ts";

export interface GatewayOptions {
  readonly shards: readonly string[];
  readonly classes: number;
  readonly keys: Readonly<Record<string, string>>;
  /** Tenants' monthly budgets, USD (XX's budget rules); empty: no tenant is throttled or demoted. */
  readonly budgetsUsd: Readonly<Record<string, number>>;
  /** Trace memory is scaled by this into the real MB a function process grows to. */
  readonly memScale: number;
  readonly maxWorkMs: number;
  readonly maxMemMb: number;
  /** How long a class token stays valid, ms. */
  readonly tokenTtlMs: number;
  readonly host: string;
  readonly port: number;
}

/** Invocation requests are a few hundred bytes. */
export const maxInvokeBodyBytes = 16 * 1024;
/** A function's name as an invocation gives it (`fn`), at most this long. */
const maxFunctionName = 256;
/** Client invocation ids the gateway remembers per tenant for trace-style inheritance (`parentId`). */
const rememberedIds = 1 << 20;

const round3 = (ms: number): number => Math.round(ms * 1000) / 1000;

/** Where an invocation is placed and run: ok, or the status and one line to answer with. */
type Leg<T> = { ok: true; value: T } | { ok: false; status: number; line: string };

/**
 * The live plane's front door (seed 000 §3.1): authenticates the tenant by API key, takes the
 * price class from the request, raises it by inheritance — from a class token the gateway signed
 * itself (class-token.ts), or from the gateway's own record of the parent invocation the request
 * names, within the same tenant — and applies the tenant's budget through XX's XxAdmission, the
 * class the simulator uses. It then asks a shard for a machine (round robin over shards), sends
 * the invocation there, and answers synchronously with the result and the timing breakdown in
 * headers (live-headers.ts). No state about an invocation outlives its request except the small
 * id → class record that inheritance needs.
 *
 * A machine that refuses the connection has not started the invocation: the gateway tells the
 * shard it is down and places it once more. A machine that fails mid-run fails the invocation
 * (502 naming the machine), never silently. A shard that is down is routed around (`place`).
 */
export class Gateway {
  private readonly keys: TenantKeys;
  private readonly tokens: ClassTokens;
  private readonly admission: XxAdmission;
  private readonly shards: Upstream[];
  private readonly machines = new Map<string, Upstream>();
  /** `${tenant}\0${client id}` → the admission's own invocation number. */
  private readonly ids = new Map<string, number>();
  private nextUid = 0;
  private nextShard = 0;
  private readonly t0 = Date.now() - performance.now();
  /** `retried`: placed again after a machine refused the connection; `shardRetries`: another shard asked because one placed nothing. */
  readonly counters = { ok: 0, refused: 0, failed: 0, throttled: 0, retried: 0, shardRetries: 0 };
  url = "";

  private constructor(
    private readonly options: GatewayOptions,
    private readonly server: Server,
  ) {
    this.keys = new TenantKeys(options.keys);
    this.tokens = ClassTokens.withFreshKey(options.tokenTtlMs);
    this.admission = new XxAdmission(options.budgetsUsd);
    this.shards = options.shards.map((url) => new Upstream(url));
  }

  static async start(options: GatewayOptions): Promise<Gateway> {
    const server = createServer({ keepAlive: true, keepAliveTimeout: 65_000, requestTimeout: 0, maxHeaderSize: 16 * 1024 });
    const gateway = new Gateway(options, server);
    server.on("request", (req, res) => gateway.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen({ port: options.port, host: options.host, backlog: listenBacklog }, () => resolve());
    });
    gateway.url = `http://${options.host}:${(server.address() as AddressInfo).port}/`;
    return gateway;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    if (req.method === "GET" && req.url === "/status") return sendJson(res, 200, { shards: this.options.shards, ...this.counters });
    if (req.method !== "POST" || (req.url !== "/" && req.url !== "/invoke")) {
      req.resume();
      return sendLine(res, 404, `no ${req.method} ${req.url} here (POST /invoke)`);
    }
    const receivedAt = performance.now();
    const key = bearerKey(req.headers.authorization);
    const tenant = key === undefined ? undefined : this.keys.tenantOf(key);
    if (tenant === undefined) {
      req.resume();
      this.counters.refused++;
      return sendLine(res, 401, key === undefined ? "no API key: send authorization: Bearer KEY" : "unknown API key");
    }
    const parentToken = req.headers[liveHeaders.parentToken];
    readBody(req, maxInvokeBodyBytes).then(
      (body) => {
        if (body === tooLarge) {
          this.counters.refused++;
          return sendLine(res, 413, `body over ${maxInvokeBodyBytes} bytes`);
        }
        this.invoke(tenant, body, typeof parentToken === "string" ? parentToken : undefined, receivedAt, res).catch((error: unknown) => {
          this.counters.failed++;
          sendLine(res, 500, `gateway: ${error instanceof Error ? error.message : String(error)}`);
        });
      },
      () => sendLine(res, 400, "the request body could not be read"),
    );
  }

  private async invoke(tenant: string, body: string, parentToken: string | undefined, receivedAt: number, res: ServerResponse): Promise<void> {
    const refuse = (status: number, line: string): void => {
      this.counters.refused++;
      sendLine(res, status, line);
    };
    const parsed = parseJsonObject(body);
    if (!parsed.ok) return refuse(400, parsed.reason);
    const v = parsed.value;
    const { id, priceClass, workMs, memStartMb, memPeakMb, parentId, payload, fn } = v;
    if (v.tenant !== undefined && v.tenant !== tenant) return refuse(403, `this key is tenant ${JSON.stringify(tenant)}'s; it cannot invoke for tenant ${JSON.stringify(v.tenant)}`);
    if (id !== undefined && !Number.isInteger(id)) return refuse(400, "id must be an integer");
    if (parentId !== undefined && !Number.isInteger(parentId)) return refuse(400, "parentId must be an integer");
    const cls = priceClass ?? 0;
    if (!(Number.isInteger(cls) && (cls as number) >= 0 && (cls as number) < this.options.classes)) return refuse(400, `priceClass must be a class in 0..${this.options.classes - 1}`);
    if (!isAmount(workMs)) return refuse(400, "workMs must be a number of ms ≥ 0");
    if (workMs > this.options.maxWorkMs) return refuse(400, `workMs ${workMs} is above this plane's limit of ${this.options.maxWorkMs} ms`);
    const peak = memPeakMb ?? 0;
    if (!isAmount(peak)) return refuse(400, "memPeakMb must be a number of MB ≥ 0");
    if (peak * this.options.memScale > this.options.maxMemMb) return refuse(400, `memPeakMb ${peak} × mem-scale ${this.options.memScale} is above this plane's limit of ${this.options.maxMemMb} MB`);
    const start = memStartMb ?? peak;
    if (!isAmount(start)) return refuse(400, "memStartMb must be a number of MB ≥ 0");
    if (fn !== undefined && !(typeof fn === "string" && fn.length <= maxFunctionName)) return refuse(400, `fn must be a function name of at most ${maxFunctionName} characters`);
    // The function a module's chain and freshen know it by: its payload's `fn`, else the invocation's.
    const invoked = invokedFunction(payload) ?? (fn as string | undefined);

    const nowWall = this.t0 + receivedAt;
    let ownClass = cls as number;
    if (parentToken !== undefined) {
      const check = this.tokens.redeem(parentToken, tenant, nowWall);
      if (!check.ok) return refuse(403, check.reason);
      ownClass = Math.max(ownClass, check.grant.cls);
    }
    const uid = this.nextUid++;
    const parentUid = parentId === undefined ? undefined : this.ids.get(`${tenant}\0${parentId as number}`);
    if (id !== undefined) this.remember(`${tenant}\0${id as number}`, uid);
    const ranClass = this.admission.classFor(uid, ownClass, parentUid, tenant, receivedAt);
    if (ranClass === throttled) {
      this.counters.throttled++;
      return sendLine(res, 429, `tenant ${tenant} is over its budget`);
    }

    const memMb = peak * this.options.memScale;
    let retries = 0;
    for (;;) {
      const placed = await this.place(ranClass, uid, tenant, invoked);
      if (!placed.ok) {
        this.counters.failed++;
        return sendLine(res, placed.status, placed.line);
      }
      const placedAt = performance.now();
      const { machine, url, waitMs } = placed.value;
      // The tenant goes with the work: the agent runs freshen for this tenant's chain only and bills it to
      // this tenant, at the trace's memory of this call (the agent's memMb is the scaled, real one).
      const work = { uid, cls: ranClass, workMs, memMb, tenant, traceMemStartMb: start, traceMemPeakMb: peak, ...(invoked !== undefined ? { fn: invoked } : {}), ...(payload !== undefined ? { payload } : {}) };
      const ran = await this.run(url, machine, work);
      if (!ran.ok && ran.status === -1 && retries === 0) {
        // Refused before it started: the machine is down. Place it once more elsewhere.
        retries++;
        this.counters.retried++;
        continue;
      }
      if (!ran.ok) {
        this.counters.failed++;
        return sendLine(res, ran.status === -1 ? 502 : ran.status, ran.line, { [liveHeaders.machine]: String(machine), [liveHeaders.retries]: String(retries) });
      }
      const answer = ran.value;
      const queueMs = Number(answer.headers[liveHeaders.machineQueue]) || 0;
      const startedAfter = placedAt - receivedAt + queueMs;
      const exec = String(answer.headers[liveHeaders.exec] ?? "0");
      const headers: Record<string, string> = {
        [liveHeaders.machine]: String(machine),
        [liveHeaders.ranClass]: String(ranClass),
        [liveHeaders.placedAfter]: String(round3(placedAt - receivedAt)),
        [liveHeaders.startedAfter]: String(round3(startedAfter)),
        [liveHeaders.shardWait]: String(waitMs),
        [liveHeaders.machineQueue]: String(queueMs),
        [liveHeaders.exec]: exec,
        [liveHeaders.preempted]: String(answer.headers[liveHeaders.preempted] ?? "0"),
        [liveHeaders.preemptions]: String(answer.headers[liveHeaders.preemptions] ?? "0"),
        [liveHeaders.coldStart]: String(answer.headers[liveHeaders.coldStart] ?? "0"),
        [liveHeaders.swapOuts]: String(answer.headers[liveHeaders.swapOuts] ?? "0"),
        [liveHeaders.swappedOut]: String(answer.headers[liveHeaders.swappedOut] ?? "0"),
        [liveHeaders.swapIn]: String(answer.headers[liveHeaders.swapIn] ?? "0"),
        [liveHeaders.retries]: String(retries),
        [liveHeaders.classToken]: this.tokens.issue({ tenant, cls: ranClass, invocation: uid }, this.t0 + performance.now()),
        "x-queue-ms": String(round3(startedAfter)),
        "x-exec-ms": exec,
      };
      if (answer.status === 200) {
        this.counters.ok++;
        res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(answer.body), ...headers });
        res.end(answer.body);
      } else {
        this.counters.failed++;
        const text = answer.body.endsWith("\n") ? answer.body : `${answer.body}\n`;
        res.writeHead(answer.status, { "content-type": "text/plain; charset=utf-8", "content-length": Buffer.byteLength(text), ...headers });
        res.end(text);
      }
      return;
    }
  }

  /**
   * Asks the shards in turn (round robin) for a placement. A shard that gives no answer (down,
   * or it died holding the request) or knows no machine that is up (just restarted) placed
   * nothing, so the next shard is asked, each at most once: the gateway routes around a shard
   * that is down. When none places it, the first shard's failure is the answer. `tenant` and `fn`
   * let the shard place a predicted call where its freshened process waits.
   */
  private async place(cls: number, uid: number, tenant: string, fn: string | undefined): Promise<Leg<PlacementAnswer>> {
    const first = this.nextShard;
    this.nextShard = (first + 1) % this.shards.length;
    let failure: Leg<PlacementAnswer> | undefined;
    for (let i = 0; i < this.shards.length; i++) {
      const s = (first + i) % this.shards.length;
      if (i > 0) this.counters.shardRetries++;
      let answer: UpstreamAnswer;
      try {
        answer = await this.shards[s]!.post("/place", { cls, uid, tenant, ...(fn !== undefined ? { fn } : {}) });
      } catch (error) {
        failure ??= { ok: false, status: 502, line: `shard ${s} did not answer: ${connectionErrorText(error)}` };
        continue;
      }
      if (answer.status === 503 && answer.headers[noMachineHeader] !== undefined) {
        failure ??= { ok: false, status: 503, line: `shard ${s}: ${answer.body.trim()}` };
        continue;
      }
      if (answer.status !== 200) return { ok: false, status: answer.status === 503 ? 503 : 502, line: `shard ${s}: ${answer.body.trim()}` };
      const parsed = parseJsonObject(answer.body);
      if (!parsed.ok) return { ok: false, status: 502, line: `shard ${s} answered ${parsed.reason}` };
      return { ok: true, value: parsed.value as unknown as PlacementAnswer };
    }
    return failure!;
  }

  /** Runs the invocation on `url`; status -1: the machine refused the connection (it never started). */
  private async run(url: string, machine: number, work: Record<string, unknown>): Promise<Leg<UpstreamAnswer>> {
    let upstream = this.machines.get(url);
    if (!upstream) {
      upstream = new Upstream(url);
      this.machines.set(url, upstream);
    }
    try {
      return { ok: true, value: await upstream.post("/run", work) };
    } catch (error) {
      const text = connectionErrorText(error);
      // Before a retry is placed: the shard must not offer the same dead machine again.
      await this.reportDown(machine, url);
      const refused = /ECONNREFUSED/.test(text);
      return { ok: false, status: refused ? -1 : 502, line: `machine ${machine} failed ${refused ? "before" : "while"} running it: ${text}` };
    }
  }

  private async reportDown(machine: number, url: string): Promise<void> {
    const upstream = this.machines.get(url);
    this.machines.delete(url);
    void upstream?.close().catch(() => {});
    await Promise.all(this.shards.map((shard) => shard.post("/machine-down", { machine, url }).catch(() => undefined)));
  }

  private remember(key: string, uid: number): void {
    if (this.ids.size >= rememberedIds) {
      const oldest = this.ids.keys().next();
      if (!oldest.done) this.ids.delete(oldest.value);
    }
    this.ids.set(key, uid);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    await Promise.all([...this.shards, ...this.machines.values()].map((u) => u.close()));
  }
}
