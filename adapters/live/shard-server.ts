import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { SeededRandom } from "../../traces/seeded-random.ts";
import { freshenHoldKey, noPreference, preferHeldMachine, type FreshenHold } from "../scheduling/freshen/held-process-preference.ts";
import type { IdleListReport } from "../scheduling/idle-list-report.ts";
import { XxShard } from "../scheduling/xx-shard.ts";
import { isAmount, parseJsonObject, readBody, sendJson, sendLine, tooLarge } from "./http-exchange.ts";

export interface ShardServerOptions {
  readonly shard: number;
  readonly machines: number;
  readonly prices: readonly number[];
  readonly k: number;
  readonly strict: boolean;
  readonly idleList: boolean;
  readonly seed: number;
  readonly host: string;
  readonly port: number;
  /**
   * Per machine, the one address its URL may name when it runs in its own network namespace
   * (`cluster up --netns`); without it, machines register loopback URLs only.
   */
  readonly machineHosts?: readonly string[];
}

/** What a placement request is answered with. */
export interface PlacementAnswer {
  readonly machine: number;
  readonly url: string;
  /** Time the invocation waited in the shard's multi-queue, ms. */
  readonly waitMs: number;
}

const maxBodyBytes = 16 * 1024;
/** Placement requests waiting at once, at most; one more is refused 503 (overload sheds, never crashes). */
const maxQueued = 100_000;

interface Waiting {
  readonly res: ServerResponse;
  readonly at: number;
  /** `${tenant}\0${fn}` when the call names its function: the key of a freshen hold for it. */
  readonly holdKey: string | undefined;
}

/**
 * On a 503 that means "this shard knows no machine that is up" (not its overload 503): the
 * gateway may try another shard, since nothing was placed. A shard just restarted answers so
 * until the agents have re-registered.
 */
export const noMachineHeader = "x-xx-shard-no-machine";

/** Freshen holds a shard keeps at once, at most; past it, expired ones are dropped, then new ones ignored. */
const maxHolds = 100_000;
/** A hold longer than this is refused: the agents hold a freshened process for 2 s. */
const maxHoldMs = 60_000;

const round3 = (ms: number): number => Math.round(ms * 1000) / 1000;

/**
 * A global scheduler shard as a process (seed 000 §3.2): XX's XxShard — the per-class multi-queue
 * with the simulator's pick rule, the idle list, power-of-k — fed by placement requests from the
 * gateway and by the machine agents' reports. A placement request is answered with the chosen
 * machine once the pick rule reaches it, so requests that arrive together are ordered by class
 * and waiting time, not by arrival. Its power-of-k load is each machine's last reported function
 * count plus the placements made here since that report (the machine's count will include them).
 * A machine that is reported down (or never registered) is never chosen.
 */
export class ShardServer {
  private readonly shard: XxShard;
  private readonly rng: SeededRandom;
  private readonly urls: (string | undefined)[];
  private readonly load: Float64Array;
  /** Placements made on each machine by this shard (this incarnation). */
  private readonly placedOn: Float64Array;
  private readonly waiting = new Map<number, Waiting>();
  /** Machine agents' freshened processes (their `/hint`s), by `${tenant}\0${fn}`. */
  private readonly holds = new Map<string, FreshenHold>();
  private nextFn = 0;
  private drainScheduled = false;
  /** `heldPlacements`: calls placed on the machine holding their freshened process. */
  readonly counters = { placed: 0, refused: 0, reports: 0, registrations: 0, hints: 0, heldPlacements: 0 };
  url = "";

  private constructor(
    private readonly options: ShardServerOptions,
    private readonly server: Server,
  ) {
    this.shard = new XxShard(options.prices, { machines: options.machines, k: options.k, strict: options.strict, idleList: options.idleList });
    this.rng = SeededRandom.forPurpose(options.seed + options.shard, "live-placement");
    this.urls = new Array(options.machines).fill(undefined);
    this.load = new Float64Array(options.machines).fill(Infinity);
    this.placedOn = new Float64Array(options.machines);
  }

  static async start(options: ShardServerOptions): Promise<ShardServer> {
    const server = createServer({ keepAlive: true, keepAliveTimeout: 65_000, requestTimeout: 0 });
    const shard = new ShardServer(options, server);
    server.on("request", (req, res) => shard.handle(req, res));
    if (options.machineHosts) {
      // Off loopback, this address is one of this machine's, which the network could send to:
      // only the gateway (this machine, so the connection comes from this address or loopback)
      // and the machines' namespaces may connect.
      const allowed = new Set(["127.0.0.1", options.host, ...options.machineHosts]);
      server.on("connection", (socket: Socket) => {
        const from = socket.remoteAddress?.replace(/^::ffff:/, "");
        if (from === undefined || !allowed.has(from)) socket.destroy();
      });
    }
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port, options.host, () => resolve());
    });
    shard.url = `http://${options.host}:${(server.address() as AddressInfo).port}/`;
    return shard;
  }

  status(): Record<string, unknown> {
    return {
      shard: this.options.shard,
      queued: this.shard.queued,
      machines: this.urls.map((url, m) => ({ machine: m, up: url !== undefined, load: Number.isFinite(this.load[m]!) ? this.load[m] : null, placed: this.placedOn[m], idleListed: this.shard.idleList?.has(m) ?? false })),
      idleListSize: this.shard.idleList?.size ?? 0,
      holds: this.holds.size,
      ...this.counters,
    };
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    if (req.method === "GET" && req.url === "/status") return sendJson(res, 200, this.status());
    const route = req.method === "POST" ? req.url : undefined;
    if (route !== "/place" && route !== "/report" && route !== "/register" && route !== "/machine-down" && route !== "/hint") {
      req.resume();
      return sendLine(res, 404, `no ${req.method} ${req.url} here (POST /place, /report, /register, /machine-down, /hint; GET /status)`);
    }
    const at = performance.now();
    readBody(req, maxBodyBytes).then(
      (body) => {
        if (body === tooLarge) return sendLine(res, 413, `body over ${maxBodyBytes} bytes`);
        const parsed = parseJsonObject(body);
        if (!parsed.ok) return sendLine(res, 400, parsed.reason);
        const v = parsed.value;
        if (route === "/place") return this.place(v, at, res);
        if (route === "/report") return this.report(v, res);
        if (route === "/register") return this.register(v, res);
        if (route === "/hint") return this.hint(v, at, res);
        return this.machineDown(v, res);
      },
      () => sendLine(res, 400, "the request body could not be read"),
    );
  }

  private machineOf(value: unknown): number | undefined {
    return Number.isInteger(value) && (value as number) >= 0 && (value as number) < this.options.machines ? (value as number) : undefined;
  }

  private place(v: Record<string, unknown>, at: number, res: ServerResponse): void {
    const cls = v.cls;
    if (!(Number.isInteger(cls) && (cls as number) >= 0 && (cls as number) < this.options.prices.length)) return sendLine(res, 400, `cls must be a class in 0..${this.options.prices.length - 1}`);
    if (this.waiting.size >= maxQueued) {
      this.counters.refused++;
      return sendLine(res, 503, `shard ${this.options.shard}: ${maxQueued} placements waiting`);
    }
    const named = typeof v.tenant === "string" && typeof v.fn === "string";
    const fn = this.nextFn++;
    this.waiting.set(fn, { res, at, holdKey: named ? freshenHoldKey(v.tenant as string, v.fn as string) : undefined });
    this.shard.enqueue(fn, cls as number, at);
    this.scheduleDrain();
  }

  /** Places what waits, once per event-loop turn, so requests read in the same turn compete by the pick rule. */
  private scheduleDrain(): void {
    if (this.drainScheduled) return;
    this.drainScheduled = true;
    setImmediate(() => {
      this.drainScheduled = false;
      const now = performance.now();
      for (let fn = this.shard.takeNext(now); fn >= 0; fn = this.shard.takeNext(now)) {
        const w = this.waiting.get(fn)!;
        this.waiting.delete(fn);
        const machine = this.holdingMachine(w.holdKey, now) ?? this.shard.chooseMachine(this.load, this.rng);
        const url = this.urls[machine];
        if (url === undefined || !Number.isFinite(this.load[machine]!)) {
          this.counters.refused++;
          sendLine(w.res, 503, `shard ${this.options.shard}: no machine is up`, { [noMachineHeader]: "1" });
          continue;
        }
        this.load[machine]!++;
        this.placedOn[machine]!++;
        this.counters.placed++;
        const answer: PlacementAnswer = { machine, url, waitMs: round3(now - w.at) };
        sendJson(w.res, 200, answer);
      }
    });
  }

  /** The machine holding a freshened process for this call, while the hold is good (the hold is then spent). */
  private holdingMachine(key: string | undefined, now: number): number | undefined {
    const hold = key === undefined ? undefined : this.holds.get(key);
    if (hold === undefined) return undefined;
    const machine = preferHeldMachine(hold, now, { up: this.urls[hold.machine] !== undefined, load: this.load[hold.machine]! });
    // One freshened process serves one call: used or not usable, the hold is done with here.
    this.holds.delete(key!);
    if (machine === noPreference) return undefined;
    this.counters.heldPlacements++;
    return machine;
  }

  /**
   * A machine agent holds (holdMs > 0) or no longer holds (0) a process freshened for a tenant's
   * function. Times are relative, so the agent's and this shard's clocks need not agree.
   */
  private hint(v: Record<string, unknown>, at: number, res: ServerResponse): void {
    const machine = this.machineOf(v.machine);
    const { tenant, fn, holdMs, cores } = v;
    if (machine === undefined || typeof tenant !== "string" || typeof fn !== "string" || !isAmount(holdMs) || holdMs > maxHoldMs || !(Number.isInteger(cores) && (cores as number) > 0))
      return sendLine(res, 400, `a hint needs machine, tenant, fn, holdMs (0..${maxHoldMs}) and cores`);
    this.counters.hints++;
    const key = freshenHoldKey(tenant, fn);
    if (holdMs === 0) {
      if (this.holds.get(key)?.machine === machine) this.holds.delete(key);
      return sendJson(res, 200, {});
    }
    if (this.holds.size >= maxHolds && !this.holds.has(key)) for (const [k, h] of this.holds) if (!(at < h.untilMs)) this.holds.delete(k);
    if (this.holds.size < maxHolds || this.holds.has(key)) this.holds.set(key, { machine, untilMs: at + holdMs, cores: cores as number });
    sendJson(res, 200, {});
  }

  private report(v: Record<string, unknown>, res: ServerResponse): void {
    const machine = this.machineOf(v.machine);
    if (machine === undefined || !isAmount(v.functions)) return sendLine(res, 400, "a report needs machine and functions");
    this.counters.reports++;
    // This shard restarted (or was told the machine is down) since the agent registered: its
    // deltas mean nothing here. The agent answers 404 by registering again with its whole state.
    if (this.urls[machine] === undefined) return sendLine(res, 404, `machine ${machine} is unknown to shard ${this.options.shard}: register`);
    this.load[machine] = v.functions;
    const idle = v.idle as IdleListReport | null | undefined;
    if (idle && this.shard.idleList) {
      try {
        if (idle.machine !== machine || idle.shard !== this.options.shard) throw new Error("the report is for another machine or shard");
        this.shard.receive(idle);
      } catch (error) {
        // A report out of step with the list is refused, not fatal; the agent then registers again.
        return sendLine(res, 409, `idle-list report refused: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    sendJson(res, 200, { idleListSize: this.shard.idleList?.size ?? 0 });
  }

  private register(v: Record<string, unknown>, res: ServerResponse): void {
    const machine = this.machineOf(v.machine);
    const url = v.url;
    if (machine === undefined || typeof url !== "string" || !this.isMachineUrl(machine, url)) return sendLine(res, 400, "register needs machine and a loopback url (or the machine's namespace address)");
    // An agent that registers again (this shard restarted) brings its state, so the shard's load
    // and idle list are right at once rather than at its next change.
    const functions = v.functions ?? 0;
    if (!isAmount(functions)) return sendLine(res, 400, "register's functions must be a count ≥ 0");
    const entry = v.idle as { freeMb?: unknown; functions?: unknown } | null | undefined;
    if (entry != null && !(typeof entry === "object" && isAmount(entry.freeMb) && isAmount(entry.functions))) return sendLine(res, 400, "register's idle must be null or an entry {freeMb, functions}");
    this.forget(machine);
    this.urls[machine] = url;
    this.load[machine] = functions;
    if (entry != null && this.shard.idleList) this.shard.receive({ kind: "join", machine, shard: this.options.shard, freeMb: entry.freeMb as number, functions: entry.functions as number });
    this.counters.registrations++;
    sendJson(res, 200, { idleListSize: this.shard.idleList?.size ?? 0 });
  }

  /** Only URLs on this machine: loopback, or the address of the namespace made for `machine`. */
  private isMachineUrl(machine: number, url: string): boolean {
    const match = /^http:\/\/(127\.0\.0\.1|\[::1\]|localhost|\d+\.\d+\.\d+\.\d+):\d+\/$/.exec(url);
    if (!match) return false;
    const host = match[1]!;
    const namespaceHost = this.options.machineHosts?.[machine];
    return namespaceHost !== undefined ? host === namespaceHost : !/^\d/.test(host) || host === "127.0.0.1";
  }

  /** The gateway could not reach the machine: place nothing there until it registers again. */
  private machineDown(v: Record<string, unknown>, res: ServerResponse): void {
    const machine = this.machineOf(v.machine);
    if (machine === undefined) return sendLine(res, 400, "machine-down needs machine");
    const url = v.url;
    // Only the incarnation the gateway failed to reach: a machine that already re-registered stays up.
    if (this.urls[machine] === url) {
      this.forget(machine);
      this.urls[machine] = undefined;
    }
    sendJson(res, 200, {});
  }

  private forget(machine: number): void {
    this.load[machine] = Infinity;
    const list = this.shard.idleList;
    if (list?.has(machine)) list.receive({ kind: "leave", machine, shard: this.options.shard, freeMb: 0, functions: 0 });
  }

  async stop(): Promise<void> {
    for (const w of this.waiting.values()) sendLine(w.res, 503, "the shard is stopping");
    this.waiting.clear();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
