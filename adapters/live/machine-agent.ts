import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { SeededRandom } from "../../traces/seeded-random.ts";
import { XxDispatcher } from "../scheduling/xx-dispatcher.ts";
import { runsOnFreeCore, waits, XxMachine } from "../scheduling/xx-machine.ts";
import { FunctionProcessPool, type FunctionProcess, type WorkResult } from "./function-process-pool.ts";
import { FreshenLog } from "./freshen-log.ts";
import { invokedFunction, type LiveWorkMode } from "./function-runtime-protocol.ts";
import { isAmount, parseJsonObject, readBody, sendJson, sendLine, tooLarge } from "./http-exchange.ts";
import { killedStatus, liveHeaders } from "./live-headers.ts";
import { residentMb, swappedMb } from "./resident-memory.ts";

const pageOutScript = fileURLToPath(new URL("./page-out.py", import.meta.url));
import { Upstream, type UpstreamAnswer } from "./upstream.ts";
import type { IdleListReport } from "../scheduling/idle-list-report.ts";
import { freshenHoldKey } from "../scheduling/freshen/held-process-preference.ts";

export interface MachineAgentOptions {
  readonly machine: number;
  readonly cores: number;
  /** Real MB of this box the machine may hold in its function processes. */
  readonly memoryMb: number;
  /**
   * Swap this machine may fill, MB: stopped functions of the lowest classes are pushed out to the
   * box's swap (process_madvise MADV_PAGEOUT, page-out.py) when RAM is full. 0: no swapping, so
   * memory pressure kills.
   */
  readonly swapMb: number;
  readonly classes: number;
  readonly workMode: LiveWorkMode;
  /** A user function module (absolute path) run instead of synthetic work; see function-runtime-protocol.ts. */
  readonly functionModule?: string;
  /** Function processes started up front. */
  readonly warm: number;
  /** The shards' URLs, in shard order. */
  readonly shards: readonly string[];
  readonly idleList: boolean;
  readonly idleFreeShare: number;
  readonly idleStepShare: number;
  readonly k: number;
  readonly seed: number;
  readonly host: string;
  readonly port: number;
}

/**
 * While functions are on the machine, memory is read from the kernel this often even without an
 * arrival or an end: functions grow as they run, and the idle-list entry and the kill rule must
 * follow.
 */
const memoryPollMs = 50;

/**
 * A shard that heard nothing from this agent for this long is sent a heartbeat (a report of the
 * function count): a shard that restarted while the machine was quiet answers it "unknown
 * machine", and the agent registers again, so it is relearnt within about this long. One small
 * request per shard per second at most, and none while reports flow.
 */
export const heartbeatMs = 1000;

/** Functions one machine holds at most (running, stopped or waiting); one more is refused 503. */
const maxFunctions = 4096;
const maxBodyBytes = 16 * 1024;

/**
 * How long a process freshened for a predicted call is kept for that call before it goes back to
 * the pool and the freshen counts as a misprediction: seed 003's Table 1 puts the slowest trigger
 * (an S3 bucket) at 1.28 s from the call to the triggered function's start.
 */
export const freshenHoldMs = 2000;

/** Freshen records one `GET /freshen-jobs` answer carries at most. */
const freshenPageLimit = 5000;

/** A function process freshened for the next invocation of one function of one tenant. */
interface Reservation {
  /** Undefined while the pool is still handing one over. */
  process: FunctionProcess | undefined;
  timer: NodeJS.Timeout | undefined;
}

/** One invocation on this machine, from its arrival to its answer. */
interface Job {
  readonly slot: number;
  readonly workMs: number;
  readonly memMb: number;
  readonly payload: unknown;
  /** The function its payload names (`fn`), or the invocation's own `fn`: for the module's chain and freshen. */
  readonly fn: string | undefined;
  /** The tenant the gateway authenticated ("" when called directly): freshen and its bill are this tenant's only. */
  readonly tenant: string;
  /** The trace's memory of the invocation, MB (0 when not given): what freshen for its chain is billed at. */
  readonly traceMemStartMb: number;
  readonly traceMemPeakMb: number;
  readonly receivedAt: number;
  readonly res: ServerResponse;
  process: FunctionProcess | undefined;
  coldMs: number;
  startedAt: number | undefined;
  /** When it last got a core; undefined while stopped or waiting. */
  runningSince: number | undefined;
  stoppedAt: number | undefined;
  accruedMs: number;
  preemptedMs: number;
  preemptions: number;
  swapOuts: number;
  /** MB of its memory the kernel reported in swap after its last page-out. */
  swappedOutMb: number;
  swapInMs: number;
  timer: NodeJS.Timeout | undefined;
  ended: boolean;
}

const round3 = (ms: number): number => Math.round(ms * 1000) / 1000;


/**
 * A machine agent (seed 000 §3.2's dispatcher + machine scheduler, one per machine): it owns C
 * cores and a memory budget, decides with XX's XxMachine and XxDispatcher — the very classes the
 * simulator drives in virtual time — and carries each decision out on real processes: a function
 * runs in an OS process from a pre-started pool, a preempted one is SIGSTOPped and SIGCONTed when
 * the scheduler resumes it. It tells every shard its function count (their power-of-k load) and
 * its idle-list shard its entry, by free memory read from the kernel.
 *
 * Price-class swapping is real when the machine is given swap (`swapMb`, and the box has swap):
 * with RAM full, the dispatcher's victims — stopped functions of the lowest classes — have their
 * pages pushed out by process_madvise(MADV_PAGEOUT), and a swapped function reads them back in
 * before its work clock resumes (the swap-in time). Without swap the dispatcher runs with 0 MB and
 * memory pressure kills the lowest class's newest function, as XX does once swap is full; the
 * plane says which at start-up.
 */
export class MachineAgent {
  private readonly table = { cls: new Int32Array(maxFunctions), mem: new Float64Array(maxFunctions), swapped: new Uint8Array(maxFunctions) };
  private readonly machine: XxMachine;
  private readonly dispatcher: XxDispatcher;
  private readonly jobs: (Job | undefined)[] = new Array(maxFunctions);
  private readonly freeSlots: number[] = Array.from({ length: maxFunctions }, (_, i) => maxFunctions - 1 - i);
  private readonly shards: Upstream[];
  private readonly listSizes: number[];
  private readonly rng: SeededRandom;
  private reportScheduled = false;
  private pageOutPendingMb = 0;
  private readonly memoryPoll: NodeJS.Timeout;
  private lastReportedFunctions = -1;
  /** Per shard: when the agent last sent it anything (heartbeats fill the silences). */
  private readonly lastSentAt: number[];
  /** Per shard: the idle-list entry the agent last wrote there (null: not listed), which a re-registration restores. */
  private readonly idleEntries: ({ freeMb: number; functions: number } | null)[];
  /** Per shard: a re-registration is on its way. */
  private readonly registering: boolean[];
  private readonly heartbeat: NodeJS.Timeout;
  /** `${tenant}\0${predicted function}` → the process freshened for that tenant's next invocation of it. */
  private readonly reserved = new Map<string, Reservation>();
  /** Every freshen run's cost, by tenant and class, for the `live:` backend to bill (freshen-log.ts). */
  private readonly freshenLog = new FreshenLog();
  private stopping = false;
  /**
   * `freshen*`: seed 003's freshen on this machine. Its CPU and wall time are billed whether the
   * prediction came true (`freshenUsed`: the predicted call was handed the freshened process) or
   * not (`freshenUnused`: none came within freshenHoldMs). `reuse*`: how user handlers' fetches
   * met their resources (freshen-cache.ts): from the prediction, the TTL cache, by waiting for a
   * freshen still running, or fetched now.
   */
  readonly counters = {
    ok: 0,
    failed: 0,
    killed: 0,
    refused: 0,
    preemptions: 0,
    swapOuts: 0,
    freshens: 0,
    freshenFailed: 0,
    freshenUsed: 0,
    freshenUnused: 0,
    freshenCpuMs: 0,
    freshenWallMs: 0,
    reusePrediction: 0,
    reuseCache: 0,
    reuseWait: 0,
    reuseDoNow: 0,
    /** Times a shard was registered with again after it answered "unknown machine" (it restarted). */
    reregistrations: 0,
  };
  url = "";

  private constructor(
    private readonly options: MachineAgentOptions,
    private readonly pool: FunctionProcessPool,
    private readonly server: Server,
  ) {
    this.machine = new XxMachine(options.cores, options.classes, this.table);
    const ram = options.memoryMb;
    this.dispatcher = new XxDispatcher(this.machine, {
      machine: options.machine,
      ramMb: ram,
      swapMb: options.swapMb,
      idleList: options.idleList ? { shards: options.shards.length, k: options.k, thresholdMb: options.idleFreeShare * ram, stepMb: options.idleStepShare * ram } : null,
    });
    this.shards = options.shards.map((url) => new Upstream(url, { ordered: true }));
    this.listSizes = options.shards.map(() => 0);
    this.rng = SeededRandom.forPurpose(options.seed + options.machine, "live-idle-list");
    this.memoryPoll = setInterval(() => {
      if (this.machine.functions > 0) this.scheduleReport();
    }, memoryPollMs);
    this.lastSentAt = options.shards.map(() => performance.now());
    this.idleEntries = options.shards.map(() => null);
    this.registering = options.shards.map(() => false);
    this.heartbeat = setInterval(() => this.beat(), heartbeatMs / 2);
  }

  static async start(options: MachineAgentOptions): Promise<MachineAgent> {
    const pool = await FunctionProcessPool.create(options.warm, options.functionModule);
    const server = createServer({ keepAlive: true, keepAliveTimeout: 65_000, requestTimeout: 0 });
    const agent = new MachineAgent(options, pool, server);
    server.on("request", (req, res) => agent.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port, options.host, () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    agent.url = `http://${options.host}:${port}/`;
    return agent;
  }

  /** Registers with every shard at start-up, retrying until `deadlineMs` (a shard may still be starting). */
  async register(deadlineMs: number): Promise<void> {
    await Promise.all(
      this.shards.map(async (shard, s) => {
        for (;;) {
          try {
            const answer = await this.registerWith(s);
            if (answer.status === 200) return;
            throw new Error(`HTTP ${answer.status}: ${answer.body.trim()}`);
          } catch (error) {
            if (performance.now() > deadlineMs) throw new Error(`machine ${this.options.machine} could not register with ${shard.origin}: ${error instanceof Error ? error.message : String(error)}`);
            await new Promise((r) => setTimeout(r, 200));
          }
        }
      }),
    );
    this.scheduleReport();
  }

  /**
   * Registers with shard `s`, carrying the machine's function count and its entry on that shard's
   * idle list, so a shard that restarted knows the machine as it is now. Sent on the shard's
   * ordered connection, so it is applied after every report sent before it and before every one after.
   */
  private registerWith(s: number): Promise<UpstreamAnswer> {
    this.lastSentAt[s] = performance.now();
    return this.shards[s]!.post("/register", { machine: this.options.machine, url: this.url, cores: this.options.cores, memoryMb: this.options.memoryMb, functions: this.machine.functions, idle: this.idleEntries[s] ?? null });
  }

  /** Shard `s` does not know this machine (it restarted) or refused a report out of step: register again, once at a time. */
  private reregister(s: number): void {
    if (this.registering[s] || this.stopping) return;
    this.registering[s] = true;
    this.registerWith(s).then(
      (answer) => {
        this.registering[s] = false;
        if (answer.status !== 200) globalThis.process.stderr.write(`machine ${this.options.machine}: shard ${s} refused to register it again: HTTP ${answer.status} ${answer.body.trim()}\n`);
        else this.counters.reregistrations++;
      },
      () => {
        // Down again: the next heartbeat finds out when it is back.
        this.registering[s] = false;
      },
    );
  }

  /** A report to shard `s`; an answer "unknown machine" (404) or "out of step" (409) makes the agent register again. */
  private sendReport(s: number, message: { machine: number; functions: number; idle: IdleListReport | null }): void {
    this.lastSentAt[s] = performance.now();
    this.shards[s]!.post("/report", message).then(
      (answer) => {
        if (answer.status === 404 || answer.status === 409) return this.reregister(s);
        const parsed = answer.status === 200 ? parseJsonObject(answer.body) : undefined;
        const size = parsed?.ok ? parsed.value.idleListSize : undefined;
        if (typeof size === "number") this.listSizes[s] = size;
      },
      () => {
        // The shard is down: once it is back, the next report or heartbeat is answered 404 and the agent registers again.
      },
    );
  }

  /** Heartbeats: the function count to every shard not sent anything for heartbeatMs. */
  private beat(): void {
    const now = performance.now();
    for (let s = 0; s < this.shards.length; s++) {
      if (now - this.lastSentAt[s]! >= heartbeatMs && !this.registering[s]) this.sendReport(s, { machine: this.options.machine, functions: this.machine.functions, idle: null });
    }
  }

  status(): Record<string, number> {
    return {
      machine: this.options.machine,
      cores: this.options.cores,
      memoryMb: this.options.memoryMb,
      functions: this.machine.functions,
      running: this.machine.running,
      waiting: this.machine.functions - this.machine.running,
      residentMb: round3(this.resident()),
      processes: this.pool.pids.length,
      idleProcesses: this.pool.idleCount,
      coldStarts: this.pool.coldStarts,
      ...this.counters,
    };
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    if (req.method === "GET" && req.url === "/status") return sendJson(res, 200, this.status());
    if (req.method === "GET" && req.url?.startsWith("/freshen-jobs")) return this.freshenJobs(req.url, res);
    if (req.method !== "POST" || req.url !== "/run") {
      req.resume();
      return sendLine(res, 404, `no ${req.method} ${req.url} here (POST /run, GET /status, GET /freshen-jobs?after=SEQ&limit=N)`);
    }
    const receivedAt = performance.now();
    readBody(req, maxBodyBytes).then(
      (body) => {
        if (body === tooLarge) return sendLine(res, 413, `body over ${maxBodyBytes} bytes`);
        this.admit(body, receivedAt, res);
      },
      () => sendLine(res, 400, "the request body could not be read"),
    );
  }

  private admit(body: string, receivedAt: number, res: ServerResponse): void {
    const parsed = parseJsonObject(body);
    if (!parsed.ok) return sendLine(res, 400, parsed.reason);
    const { cls, workMs, memMb, payload, tenant, fn, traceMemStartMb, traceMemPeakMb } = parsed.value;
    if (!(Number.isInteger(cls) && (cls as number) >= 0 && (cls as number) < this.options.classes)) return sendLine(res, 400, `cls must be a class in 0..${this.options.classes - 1}`);
    if (!isAmount(workMs)) return sendLine(res, 400, "workMs must be a number of ms ≥ 0");
    if (!isAmount(memMb)) return sendLine(res, 400, "memMb must be a number of MB ≥ 0");
    if (tenant !== undefined && typeof tenant !== "string") return sendLine(res, 400, "tenant must be a string");
    if (fn !== undefined && typeof fn !== "string") return sendLine(res, 400, "fn must be a string");
    if (traceMemStartMb !== undefined && !isAmount(traceMemStartMb)) return sendLine(res, 400, "traceMemStartMb must be a number of MB ≥ 0");
    if (traceMemPeakMb !== undefined && !isAmount(traceMemPeakMb)) return sendLine(res, 400, "traceMemPeakMb must be a number of MB ≥ 0");
    const slot = this.freeSlots.pop();
    if (slot === undefined) {
      this.counters.refused++;
      return sendLine(res, 503, `machine ${this.options.machine} holds ${maxFunctions} functions already`);
    }
    const job: Job = {
      slot,
      workMs,
      memMb,
      payload,
      fn: invokedFunction(payload) ?? fn,
      tenant: tenant ?? "",
      traceMemStartMb: traceMemStartMb ?? 0,
      traceMemPeakMb: traceMemPeakMb ?? traceMemStartMb ?? 0,
      receivedAt,
      res,
      process: undefined,
      coldMs: 0,
      startedAt: undefined,
      runningSince: undefined,
      stoppedAt: undefined,
      accruedMs: 0,
      preemptedMs: 0,
      preemptions: 0,
      swapOuts: 0,
      swappedOutMb: 0,
      swapInMs: 0,
      timer: undefined,
      ended: false,
    };
    this.jobs[slot] = job;
    this.table.cls[slot] = cls as number;
    this.table.mem[slot] = memMb;
    this.table.swapped[slot] = 0;
    // The client went away (the gateway gave up or died): the function is no use to anyone.
    res.once("close", () => {
      if (!job.ended) this.end(job, undefined, "the caller closed the connection");
    });
    const decision = this.machine.admit(slot);
    if (decision !== waits) {
      if (decision !== runsOnFreeCore) this.preempt(decision);
      this.start(slot);
    }
    this.scheduleReport();
  }

  private preempt(slot: number): void {
    const job = this.jobs[slot]!;
    const now = performance.now();
    job.process?.stop();
    // Before its process is handed over (a cold start) nothing has run: no time accrues.
    if (job.runningSince !== undefined && job.process) job.accruedMs += now - job.runningSince;
    job.runningSince = undefined;
    job.stoppedAt = now;
    job.preemptions++;
    this.counters.preemptions++;
    if (job.timer) clearTimeout(job.timer);
    job.timer = undefined;
    this.machine.preempted(slot);
  }

  private start(slot: number): void {
    const job = this.jobs[slot]!;
    const swappedOut = this.machine.start(slot);
    const now = performance.now();
    if (job.stoppedAt !== undefined) {
      job.preemptedMs += now - job.stoppedAt;
      job.stoppedAt = undefined;
      const process = job.process;
      process?.resume();
      if (!swappedOut || !process) {
        job.runningSince = now;
        this.armTimedEnd(job);
        return;
      }
      // Its pages are in swap: read them back before its work clock runs again (the swap-in time).
      process.touch().then(
        () => {
          const back = performance.now();
          job.swapInMs += back - now;
          if (job.ended || job.stoppedAt !== undefined) return;
          job.runningSince = back;
          this.armTimedEnd(job);
        },
        () => {
          // The process died: its run fails through the run promise.
        },
      );
      return;
    }
    job.startedAt = now;
    job.runningSince = now;
    // The chain says this call makes others: freshen them now, where they will run (seed 003 §2).
    if (job.fn !== undefined) for (const next of this.pool.chain[job.fn] ?? []) this.freshenFor(job, next);
    // Only the same tenant's call is handed the process freshened for its function.
    const reservedKey = job.fn === undefined ? undefined : freshenHoldKey(job.tenant, job.fn);
    const reservation = reservedKey === undefined ? undefined : this.reserved.get(reservedKey);
    let handedOver: Promise<{ process: FunctionProcess; coldMs: number }>;
    if (reservation?.process !== undefined && !reservation.process.exited) {
      this.reserved.delete(reservedKey!);
      clearTimeout(reservation.timer);
      this.counters.freshenUsed++;
      this.hintShards(job.tenant, job.fn!, 0);
      handedOver = Promise.resolve({ process: reservation.process, coldMs: 0 });
    } else handedOver = this.pool.acquire();
    handedOver.then(
      ({ process, coldMs }) => {
        if (job.ended) return this.pool.release(process);
        job.process = process;
        job.coldMs = coldMs;
        // The cold start is not work: the clock of a timed function starts now.
        const ready = performance.now();
        if (job.runningSince !== undefined) job.runningSince = ready;
        job.startedAt = ready;
        process.run(this.options.workMode, job.workMs, job.memMb, job.payload, { tenant: job.tenant, ...(job.fn !== undefined ? { fn: job.fn } : {}) }).then(
          (result) => this.end(job, result, undefined),
          (error: unknown) => this.end(job, undefined, error instanceof Error ? error.message : String(error)),
        );
        // Preempted while its process was starting: it stops before it gets going.
        if (job.stoppedAt !== undefined) process.stop();
        else this.armTimedEnd(job);
      },
      (error: unknown) => this.end(job, undefined, error instanceof Error ? error.message : String(error)),
    );
  }

  /**
   * Runs the module's freshen for `fn` in a pooled process and keeps that process for the next
   * invocation of `fn` by the same tenant on this machine, which may arrive while freshen still
   * runs (its fetches then wait, FrFetch's `running` case). The shards are told of the hold, so
   * they place that call here (held-process-preference.ts). One reservation per tenant and
   * function: a second prediction while one is held is already served by it. What freshen costs
   * is recorded for `by`'s tenant at `by`'s class, whether or not the call comes.
   */
  private freshenFor(by: Job, fn: string): void {
    const key = freshenHoldKey(by.tenant, fn);
    if (this.stopping || this.reserved.has(key)) return;
    const reservation: Reservation = { process: undefined, timer: undefined };
    this.reserved.set(key, reservation);
    const cls = this.table.cls[by.slot]!;
    const log = this.freshenLog;
    log.running++;
    this.pool.acquire().then(
      ({ process }) => {
        if (this.stopping || this.reserved.get(key) !== reservation) {
          log.running--;
          return this.pool.release(process);
        }
        reservation.process = process;
        this.counters.freshens++;
        this.hintShards(by.tenant, fn, freshenHoldMs);
        reservation.timer = setTimeout(() => {
          if (this.reserved.get(key) !== reservation) return;
          this.reserved.delete(key);
          this.counters.freshenUnused++;
          this.hintShards(by.tenant, fn, 0);
          // Its cache stays in the process, under the tenant's name: a later call of the same
          // tenant handed it may still find results within their TTL; no other tenant's can.
          this.pool.release(process);
        }, freshenHoldMs);
        process.freshen(fn, by.tenant).then(
          (spent) => {
            log.running--;
            log.record({ tenant: by.tenant, priceClass: cls, fn, cpuMs: spent.cpuMs, wallMs: spent.wallMs, memStartMb: by.traceMemStartMb, memPeakMb: by.traceMemPeakMb });
            this.counters.freshenCpuMs = round3(this.counters.freshenCpuMs + spent.cpuMs);
            this.counters.freshenWallMs = round3(this.counters.freshenWallMs + spent.wallMs);
            if (spent.error === undefined) return;
            // A failed freshen costs the call nothing but the benefit: its fetches are done again then.
            this.counters.freshenFailed++;
            globalThis.process.stderr.write(`machine ${this.options.machine}: freshen for ${JSON.stringify(fn)} failed: ${spent.error}\n`);
          },
          () => {
            // The process died mid-freshen: no cost was reported to bill.
            log.running--;
            this.counters.freshenFailed++;
          },
        );
      },
      () => {
        log.running--;
        if (this.reserved.get(key) === reservation) this.reserved.delete(key);
      },
    );
  }

  /** Tells every shard this machine holds (holdMs > 0) or no longer holds (0) a process freshened for the tenant's `fn`. */
  private hintShards(tenant: string, fn: string, holdMs: number): void {
    if (this.stopping) return;
    const hint = { machine: this.options.machine, tenant, fn, holdMs, cores: this.options.cores };
    for (const shard of this.shards)
      shard.post("/hint", hint).catch(() => {
        // A shard that is down places by its own rule: the call may run elsewhere, freshen billed as unused.
      });
  }

  private freshenJobs(url: string, res: ServerResponse): void {
    const query = new URL(url, "http://agent/").searchParams;
    const after = Number(query.get("after") ?? "0");
    const limit = Number(query.get("limit") ?? String(freshenPageLimit));
    if (!Number.isInteger(after) || after < 0) return sendLine(res, 400, "after must be a sequence number ≥ 0");
    if (!Number.isInteger(limit) || limit < 0 || limit > freshenPageLimit) return sendLine(res, 400, `limit must be a count in 0..${freshenPageLimit}`);
    sendJson(res, 200, this.freshenLog.page(after, limit));
  }

  /** Timed mode: ends the work once workMs has accrued while running. */
  private armTimedEnd(job: Job): void {
    if (this.options.workMode !== "timed" || this.options.functionModule !== undefined || !job.process || job.runningSince === undefined) return;
    const left = job.workMs - job.accruedMs - (performance.now() - job.runningSince);
    const fire = (): void => {
      job.timer = undefined;
      if (job.runningSince === undefined || job.ended) return;
      const remaining = job.workMs - job.accruedMs - (performance.now() - job.runningSince);
      // Timers may fire a fraction of a ms early: wait out the rest on the precise clock.
      if (remaining > 0.05) {
        job.timer = setTimeout(fire, Math.max(0, remaining));
        return;
      }
      // Answer at once rather than after a round trip to the function process: on a busy box each
      // process hop costs ms of scheduling delay that is the emulation's, not the plane's. What the
      // timed function "computed" is the time it accrued.
      job.process?.finish({ cpuMs: job.workMs, memMb: job.memMb });
    };
    job.timer = setTimeout(fire, Math.max(0, left));
  }

  /** The job ended: done (result), failed or killed (reason). Frees its core and slot, answers, starts the next. */
  private end(job: Job, result: WorkResult | undefined, reason: string | undefined, status = 500): void {
    if (job.ended) return;
    job.ended = true;
    const now = performance.now();
    if (job.timer) clearTimeout(job.timer);
    const slot = job.slot;
    const next = this.machine.isRunning(slot) ? this.machine.finish(slot) : this.machine.kill(slot);
    this.jobs[slot] = undefined;
    this.freeSlots.push(slot);
    const process = job.process;
    if (process) {
      if (result) this.pool.release(process);
      // A failed or abandoned function's process may be stopped or mid-work: it is not reused.
      else process.child.kill("SIGKILL");
    }
    const startedAt = job.startedAt;
    const headers: Record<string, string> = {
      [liveHeaders.machine]: String(this.options.machine),
      [liveHeaders.machineQueue]: String(round3((startedAt ?? now) - job.receivedAt)),
      [liveHeaders.exec]: String(startedAt === undefined ? 0 : round3(now - startedAt)),
      [liveHeaders.preempted]: String(round3(job.preemptedMs + (job.stoppedAt !== undefined ? now - job.stoppedAt : 0))),
      [liveHeaders.preemptions]: String(job.preemptions),
      [liveHeaders.coldStart]: String(round3(job.coldMs)),
      [liveHeaders.swapOuts]: String(job.swapOuts),
      [liveHeaders.swappedOut]: String(round3(job.swappedOutMb)),
      [liveHeaders.swapIn]: String(round3(job.swapInMs)),
    };
    if (result?.reuse) {
      this.counters.reusePrediction += result.reuse.prediction;
      this.counters.reuseCache += result.reuse.cache;
      this.counters.reuseWait += result.reuse.wait;
      this.counters.reuseDoNow += result.reuse.doNow;
    }
    if (result) {
      this.counters.ok++;
      sendJson(job.res, 200, { cpuMs: round3(result.cpuMs), memMb: round3(result.memMb), ...("result" in result ? { result: result.result } : {}) }, headers);
    } else {
      if (status === killedStatus) this.counters.killed++;
      else this.counters.failed++;
      sendLine(job.res, status, `machine ${this.options.machine}: ${reason ?? "failed"}`, headers);
    }
    if (next >= 0) this.start(next);
    this.scheduleReport();
  }

  /** Pushes a stopped function's memory out to swap; its VmSwap afterwards is what the outcome records. */
  private pageOut(job: Job, mb: number): void {
    const pid = job.process!.pid;
    this.pageOutPendingMb += mb;
    this.counters.swapOuts++;
    execFile("python3", [pageOutScript, String(pid)], { timeout: 30_000 }, (error) => {
      this.pageOutPendingMb -= mb;
      if (error) process.stderr.write(`machine ${this.options.machine}: page-out of pid ${pid} failed: ${error.message.split("\n")[0]}\n`);
      const swapped = swappedMb(pid);
      if (swapped > job.swappedOutMb) job.swappedOutMb = swapped;
      this.scheduleReport();
    });
  }

  private resident(): number {
    const pids: number[] = [];
    for (const job of this.jobs) if (job?.process) pids.push(job.process.pid);
    return residentMb(pids);
  }

  /**
   * Once per event-loop turn after a change: enforce memory (kill while the dispatcher says so),
   * then tell the shards the function count and the idle-list shard the entry.
   */
  private scheduleReport(): void {
    if (this.reportScheduled) return;
    this.reportScheduled = true;
    setImmediate(() => {
      this.reportScheduled = false;
      // Memory being paged out still counts as resident in /proc until the kernel has moved it.
      let resident = this.resident() - this.pageOutPendingMb;
      if (this.options.swapMb > 0) {
        const victims: number[] = [];
        this.dispatcher.chooseSwapOuts(resident, victims);
        for (const v of victims) {
          const job = this.jobs[v];
          if (!job) continue;
          const mb = this.machine.swapOut(v);
          job.swapOuts++;
          if (job.process) {
            this.pageOut(job, mb);
            resident -= mb;
          }
        }
      }
      while (this.dispatcher.mustKill(resident)) {
        const victim = this.dispatcher.chooseKill();
        const job = this.jobs[victim];
        if (!job) break;
        this.end(job, undefined, `killed: memory full (${round3(resident)} MB resident of ${this.options.memoryMb} MB, ${this.options.swapMb > 0 ? `swap ${this.options.swapMb} MB full` : "no swap"})`, killedStatus);
        resident = this.resident();
      }
      const report = this.dispatcher.observeIdle(resident, (s) => this.listSizes[s] ?? 0, this.rng);
      const functions = this.machine.functions;
      if (report === null && functions === this.lastReportedFunctions) return;
      this.lastReportedFunctions = functions;
      const idle = report ? { ...report } : null;
      if (idle) this.idleEntries[idle.shard] = idle.kind === "leave" ? null : { freeMb: idle.freeMb, functions: idle.functions };
      this.shards.forEach((_, s) => this.sendReport(s, { machine: this.options.machine, functions, idle: idle && idle.shard === s ? idle : null }));
    });
  }

  async stop(): Promise<void> {
    clearInterval(this.memoryPoll);
    clearInterval(this.heartbeat);
    this.stopping = true;
    for (const r of this.reserved.values()) clearTimeout(r.timer);
    this.reserved.clear();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    await this.pool.close();
    await Promise.all(this.shards.map((s) => s.close()));
  }
}
