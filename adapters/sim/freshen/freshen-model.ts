import type { Invocation } from "../../../traces/invocation.ts";
import { SeededRandom } from "../../../traces/seeded-random.ts";
import type { BillableOutcome } from "../../billing/billed-usage.ts";
import { perInvocationModels, type PerInvocationModelName } from "../../billing/billing-model.ts";
import { compileCost, type CostFunction } from "../../billing/compile-cost.ts";
import { billingFormula } from "../../billing/cost-expression.ts";
import { freshenLaunchMs, mispredictionsAfter } from "../../scheduling/freshen/freshen-launch.ts";
import { decideReuse, isFresh, type FreshenState } from "../../scheduling/freshen/freshen-reuse.ts";
import { functionOverheadMs, invocationOverheadMs } from "../../scheduling/freshen/function-overhead.ts";
import { triggerDelaysMs, type TriggerKind } from "../../scheduling/freshen/trigger-delays.ts";
import type { SimContext, SimModel } from "../engine/sim-model.ts";
import type { FreshenConfig } from "./freshen-config.ts";
import { FreshenLedger } from "./freshen-ledger.ts";
import { LaunchQueue } from "./launch-queue.ts";

/** One freshen run by the platform: for a predicted call (`childId`), or a wrong prediction (−1). */
interface FreshenJob {
  readonly childId: number;
  /** The job as the policy runs it: the call's function, tenant and class; work = the overhead. */
  readonly invocation: Invocation;
  /** The call's peak memory: a model billing configured memory bills freshen at it. */
  readonly peakMb: number;
  readonly trigger: TriggerKind;
  slot: number;
  /** The machine the policy ran it on, once it ended (−1 before). */
  machine: number;
  /** Its call took the result (at once or after waiting): otherwise its CPU did not help that call. */
  used: boolean;
  /** Its call did the work itself before this freshen got a core: freshen finds it done and skips it. */
  skipped: boolean;
  state: "pending" | "admitted" | "finished" | "failed";
  /** Held calls (job slots) that arrived while this freshen was running and wait for it. */
  readonly waiting: number[];
}

/** What the layer keeps per function. */
interface FunctionState {
  readonly overheadMs: number;
  /** When the freshest prefetch of it finished; −∞ before any. */
  fetchedAtMs: number;
}

/** A held call: arrived while its freshen ran, enters the policy once freshen ends. */
interface Held {
  readonly arrivalMs: number;
  readonly overheadMs: number;
  readonly job: FreshenJob;
}

export interface FreshenModel extends SimModel {
  /** Reads one invocation ahead of the clock: plans the freshen its prediction launches. */
  predict(inv: Invocation): void;
  /** The latest launch `predict` can plan ahead of an arrival: the slowest trigger's delay. */
  readonly maxLeadMs: number;
  readonly ledger: FreshenLedger;
  /** CPU ms freshen jobs received (finished or killed). */
  freshenCpuMs(): number;
}

export interface FreshenModelOptions {
  readonly config: FreshenConfig;
  readonly seed: number;
  readonly prices: readonly number[];
  /** The backend's own model: what a freshen job's cost returned to the policy (XX's budget) is. */
  readonly ownModel: PerInvocationModelName;
}

/**
 * Freshen (seed 003) as a layer around any policy's SimModel; the policy never knows.
 *
 * - Each invocation carries a freshenable overhead (connection set-up + data fetch): its
 *   function's overhead, drawn once per function, capped by its work (the work already
 *   includes it).
 * - A call with a parent is predicted: its edge gets a trigger kind and freshen is launched the
 *   trigger's delay (seed 003 Table 1) ahead of the call's arrival, not before the parent arrived.
 *   Each prediction is followed by a wrong one (a freshen for a call that never comes) with the
 *   misprediction probability.
 * - Freshen is a real job: an invocation of the call's function, tenant and class whose work is
 *   the overhead, entering the policy through its own `arrive`, so it competes for cores at the
 *   function's class and is billed (under every model) to the tenant, mispredictions included.
 *   Its outcome is not a row: it is counted here.
 * - At the call's arrival, FrFetch/FrWarm semantics: freshen finished → the call's work loses
 *   the overhead; freshen running → the call is held until freshen finishes, then loses it;
 *   freshen still queued, absent, refused or killed → the call does the overhead itself (a
 *   queued freshen then finds the work done when it gets a core and takes no CPU).
 *   A finished freshen's result also serves any later call of the function within the TTL, and
 *   a freshen launched while its function's result is fresh finds nothing to do.
 *
 * Placement: the SimModel contract lets no one choose a policy's machine, so a freshen job is
 * placed by the policy like any invocation, not pinned to the machine the call will run on. The
 * call is credited wherever it lands (as if the freshened runtime's connections and data were
 * reachable from it). Latencies are exact on one machine (EDF) and on an uncontended fleet; under
 * load, freshen's CPU competes on the machine the policy picked for it instead of the call's.
 * `freshen.servedOnOtherMachine` / `servedOnFreshenMachine` count how often the two differ.
 * Under XX a freshen job also takes a shard placement, as any arrival does.
 */
export function createFreshenModel(
  ctx: SimContext,
  createInner: (ctx: SimContext) => SimModel,
  options: FreshenModelOptions,
): FreshenModel {
  const { config, seed, prices } = options;
  const jobs = ctx.jobs;
  const models = Object.values(perInvocationModels);
  const ledger = new FreshenLedger(models.map((m) => m.name));
  const triggerRng = SeededRandom.forPurpose(seed, "freshen-triggers");
  const mispredictionRng = SeededRandom.forPurpose(seed, "freshen-mispredictions");
  const mispredictionDraw = (): number => mispredictionRng.next();
  /** Per function (tenant → app → fn, looked up without building a key): its overhead and its freshest prefetch. */
  const functions = new Map<string, Map<string, Map<string, FunctionState>>>();
  /** Chain depth and arrival of invocations read but without an outcome yet (a caller's, for its calls). */
  const depthOf = new Map<number, number>();
  const arrivalOf = new Map<number, number>();
  const predictedFor = new Map<number, FreshenJob>();
  const freshenBySlot = new Map<number, FreshenJob>();
  const held = new Map<number, Held>();
  /** Calls that took their own freshen's result, until they end: where that freshen ran. */
  const creditedBy = new Map<number, FreshenJob>();
  const launches = new LaunchQueue<FreshenJob>();
  const releases: number[] = [];
  let freshenCpu = 0;
  /** The latest virtual time the engine has called in at. */
  let clock = Number.NEGATIVE_INFINITY;
  const bills = models.map((model) => {
    const formula = billingFormula(model);
    return {
      name: model.name,
      configured: model.memory.measure === "configured",
      microCents: compileCost(formula.microCents, prices),
      gbS: compileCost(formula.gbSeconds, prices),
    };
  });
  const gbS = new Float64Array(bills.length);
  const microCents = new Float64Array(bills.length);
  const ownModel = perInvocationModels[options.ownModel];
  const ownBill: CostFunction = compileCost(billingFormula(ownModel).microCents, prices);
  const ownConfigured = ownModel.memory.measure === "configured";
  const maxLeadMs = Math.max(...config.triggers.map((t) => triggerDelaysMs[t]));

  function functionOf(inv: Invocation): FunctionState {
    let apps = functions.get(inv.tenant);
    if (apps === undefined) functions.set(inv.tenant, (apps = new Map()));
    let fns = apps.get(inv.app);
    if (fns === undefined) apps.set(inv.app, (fns = new Map()));
    let state = fns.get(inv.fn);
    if (state === undefined) {
      // One stream per function, so the overhead a function gets never depends on stream order.
      const uniform = SeededRandom.forPurpose(seed, `freshen-overhead:${inv.tenant}\u0000${inv.app}\u0000${inv.fn}`).next();
      state = { overheadMs: functionOverheadMs(config.overheadMs, uniform), fetchedAtMs: Number.NEGATIVE_INFINITY };
      fns.set(inv.fn, state);
    }
    return state;
  }

  const wrapped: SimContext = {
    jobs,
    events: ctx.events,
    // Only sim:faas and sim:mu bill by instance, and freshen does not apply to them.
    endBilled: (slot, now, status, cpuMs, costMicroCents) => ctx.endBilled(slot, now, status, cpuMs, costMicroCents),
    complete(slot, now) {
      const job = freshenBySlot.get(slot);
      if (job === undefined) {
        const id = jobs.invocation[slot]!.id;
        const machine = jobs.machine[slot]!;
        const cost = ctx.complete(slot, now);
        forgetCall(id, machine);
        return cost;
      }
      return endFreshen(job, now, "finished", jobs.work[slot]!);
    },
    kill(slot, now) {
      const job = freshenBySlot.get(slot);
      if (job === undefined) {
        const id = jobs.invocation[slot]!.id;
        const machine = jobs.machine[slot]!;
        const cost = ctx.kill(slot, now);
        forgetCall(id, machine);
        return cost;
      }
      const ranFor = Number.isNaN(jobs.runStart[slot]!) ? 0 : Math.max(0, now - jobs.runStart[slot]!);
      return endFreshen(job, now, "failed", Math.max(0, jobs.work[slot]! - jobs.remaining[slot]! + ranFor));
    },
    reject(slot, now) {
      const job = freshenBySlot.get(slot);
      if (job === undefined) {
        const id = jobs.invocation[slot]!.id;
        ctx.reject(slot, now);
        forgetCall(id, -1);
        return;
      }
      endFreshen(job, now, "failed", Number.NaN);
    },
  };
  const inner = createInner(wrapped);
  const entity = inner.entities;

  /**
   * The call has its outcome: its own calls arrived before it ended, so what they needed of it
   * can go. A call its freshen served is counted by where each ran: freshen is placed by the
   * policy, not pinned to its call's machine, and these counters say how often the two differ.
   */
  function forgetCall(id: number, machine: number): void {
    depthOf.delete(id);
    arrivalOf.delete(id);
    const credit = creditedBy.get(id);
    if (credit === undefined) return;
    creditedBy.delete(id);
    ledger.add(credit.machine === machine ? "servedOnFreshenMachine" : "servedOnOtherMachine", 1);
  }

  /** Bills a freshen job (cpu NaN: refused, nothing billed), releases its slot, wakes its waiters. */
  function endFreshen(job: FreshenJob, now: number, state: "finished" | "failed", cpuMs: number): number {
    const slot = job.slot;
    job.state = state;
    job.machine = jobs.machine[slot]!;
    freshenBySlot.delete(slot);
    let own = 0;
    if (!Number.isNaN(cpuMs)) {
      const inv = job.invocation;
      const start = jobs.firstStart[slot]!;
      const outcome: BillableOutcome = {
        status: state === "finished" ? "ok" : "killed",
        cpuMs,
        startMs: Number.isNaN(start) ? undefined : start,
        endMs: now,
        ranClass: jobs.cls[slot]!,
      };
      // Freshen runs in the function's sandbox: a model that bills memory as configured bills it
      // at the function's configured memory (its calls' peak); one that bills memory by use, at
      // what freshen holds (the sandbox's starting memory).
      const asConfigured = { ...inv, memPeakMb: job.peakMb };
      for (let m = 0; m < bills.length; m++) {
        const bill = bills[m]!;
        const billed = bill.configured ? asConfigured : inv;
        gbS[m] = bill.gbS(billed, outcome);
        microCents[m] = bill.microCents(billed, outcome);
      }
      ledger.charge(inv.tenant, jobs.cls[slot]!, cpuMs, gbS, microCents);
      own = ownBill(ownConfigured ? asConfigured : inv, outcome);
      freshenCpu += cpuMs;
      ledger.add("cpuMs", cpuMs);
      ledger.freshenCpu(job.trigger, cpuMs);
      if (job.childId < 0) ledger.add("mispredictedCpuMs", cpuMs);
      else if (!job.used && !predictedFor.has(job.childId)) ledger.add("lateCpuMs", cpuMs);
    }
    ledger.add(state === "finished" ? "jobs.finished" : "jobs.failed", 1);
    if (state === "finished" && !job.skipped && config.ttlMs > 0) {
      const fn = functionOf(job.invocation);
      fn.fetchedAtMs = Math.max(fn.fetchedAtMs, now);
    }
    jobs.release(slot);
    // The policy is mid-event: waiting calls enter it at this same instant, from the layer's own wake-up.
    if (job.waiting.length > 0) {
      for (const waiter of job.waiting) releases.push(waiter);
      job.waiting.length = 0;
      ctx.events.set(entity, now);
    }
    return own;
  }

  function scheduleNext(): void {
    if (releases.length > 0) return; // already due now
    if (launches.size === 0) ctx.events.delete(entity);
    else ctx.events.set(entity, launches.peekAt());
  }

  function launch(job: FreshenJob, now: number): void {
    const slot = jobs.admit(job.invocation);
    job.slot = slot;
    job.state = "admitted";
    freshenBySlot.set(slot, job);
    ledger.add(job.childId < 0 ? "mispredictions" : "predictions", 1);
    if (isFresh(functionOf(job.invocation).fetchedAtMs, now, config.ttlMs)) {
      // The runtime's prefetched result is still fresh: the hook finds nothing to do (seed 003
      // §3.3) and fetches nothing, so its call relies on the cache, not on this freshen.
      skip(job);
    }
    inner.arrive(slot, now);
  }

  /** Takes `savedMs` of overhead off a call's work, then hands the call to the policy. */
  function admitCall(slot: number, savedMs: number, now: number): void {
    if (savedMs > 0) {
      jobs.remaining[slot]! -= savedMs;
      jobs.work[slot]! -= savedMs;
    }
    inner.arrive(slot, now);
  }

  /** A freshen that has not started finds its resource done or fresh: it takes no CPU and fetches nothing. */
  function skip(job: FreshenJob): void {
    job.skipped = true;
    jobs.remaining[job.slot] = 0;
    jobs.work[job.slot] = 0;
    ledger.add("skipped", 1);
  }

  function freshenState(job: FreshenJob | undefined, now: number): FreshenState {
    if (job === undefined || job.state === "failed" || job.skipped) return "none";
    if (job.state === "finished") return "finished";
    if (job.state === "pending") return "queued";
    const started = jobs.firstStart[job.slot]!;
    return !Number.isNaN(started) && started <= now ? "running" : "queued";
  }

  return {
    entities: entity + 1,
    maxLeadMs,
    ledger,
    freshenCpuMs: () => freshenCpu,
    predict(inv) {
      const parentId = inv.parentId;
      const parentDepth = parentId === undefined ? -1 : (depthOf.get(parentId) ?? 0);
      const depth = parentDepth + 1;
      if (depth > 0) depthOf.set(inv.id, depth);
      arrivalOf.set(inv.id, inv.arrivalMs);
      if (parentId === undefined) return;
      const trigger = config.triggers[triggerRng.int(config.triggers.length)]!;
      const parentArrival = arrivalOf.get(parentId) ?? Number.NEGATIVE_INFINITY;
      const at = freshenLaunchMs(parentArrival, inv.arrivalMs, triggerDelaysMs[trigger]);
      // The lookahead reads a call at least the slowest trigger's delay before the clock reaches it.
      if (at < clock) throw new Error(`freshen for invocation ${inv.id} planned at ${at} ms, behind the clock (${clock} ms): the stream was not read far enough ahead`);
      const work = invocationOverheadMs(functionOf(inv).overheadMs, inv.workMs);
      if (work > 0) {
        const job = freshenJob(inv, inv.id, trigger, at, work);
        predictedFor.set(inv.id, job);
        launches.push(at, job);
      }
      // A wrong prediction freshens another call of the same function that never comes.
      const wrong = mispredictionsAfter(config.mispredictionRate, mispredictionDraw);
      for (let i = 0; i < wrong; i++) launches.push(at, freshenJob(inv, -1, trigger, at, functionOf(inv).overheadMs));
      if (wrong > 0) ledger.mispredicted(trigger, wrong);
      scheduleNext();
    },
    arrive(slot, now) {
      clock = now;
      const inv = jobs.invocation[slot]!;
      const job = predictedFor.get(inv.id);
      predictedFor.delete(inv.id);
      const depth = depthOf.get(inv.id) ?? 0;
      const fn = functionOf(inv);
      const overhead = invocationOverheadMs(fn.overheadMs, inv.workMs);
      const cacheFresh = isFresh(fn.fetchedAtMs, now, config.ttlMs);
      const decision = decideReuse(freshenState(job, now), cacheFresh);
      const trigger = job?.trigger;
      // A freshen still waiting for a core when its call goes ahead without it checks the
      // resource's state when it runs (seed 003 §3.3: freshen skips what the function already
      // freshened) and finds it done: it takes no CPU. Policies read a job's remaining work when
      // they start it, so lowering it before then is seen by every policy.
      if (job !== undefined && decision.kind !== "wait" && !(decision.kind === "reuse" && decision.source === "prediction") && freshenState(job, now) === "queued" && job.state === "admitted") {
        skip(job);
      }
      switch (decision.kind) {
        case "reuse":
          if (decision.source === "prediction") {
            job!.used = true;
            creditedBy.set(inv.id, job!);
          }
          ledger.invocation(depth, trigger, overhead, overhead, decision.source);
          admitCall(slot, overhead, now);
          return;
        case "wait":
          job!.used = true;
          held.set(slot, { arrivalMs: now, overheadMs: overhead, job: job! });
          job!.waiting.push(slot);
          return;
        case "do-now":
          ledger.invocation(depth, trigger, overhead, 0, "do-now");
          admitCall(slot, 0, now);
          return;
      }
    },
    wake(e, now) {
      clock = now;
      if (e !== entity) {
        inner.wake(e, now);
        return;
      }
      while (launches.peekAt() <= now) launch(launches.pop(), now);
      while (releases.length > 0) {
        const slot = releases.shift()!;
        const h = held.get(slot)!;
        held.delete(slot);
        const inv = jobs.invocation[slot]!;
        const depth = depthOf.get(inv.id) ?? 0;
        if (h.job.state === "finished") {
          creditedBy.set(inv.id, h.job);
          // It waited (now − arrival) instead of spending the overhead: what freshen had done by its arrival.
          ledger.invocation(depth, h.job.trigger, h.overheadMs, h.overheadMs - (now - h.arrivalMs), "wait");
          admitCall(slot, h.overheadMs, now);
        } else {
          ledger.invocation(depth, h.job.trigger, h.overheadMs, -(now - h.arrivalMs), "do-now");
          admitCall(slot, 0, now);
        }
      }
      scheduleNext();
    },
    sample: (now, emit, emitClass) => inner.sample(now, emit, emitClass),
    busyCoreMs: (now) => inner.busyCoreMs(now),
  };
}

/** A freshen of `call`'s function for call `childId` (−1: a wrong prediction), launched at `at` with `workMs` of work. */
function freshenJob(call: Invocation, childId: number, trigger: TriggerKind, at: number, workMs: number): FreshenJob {
  return {
    childId,
    trigger,
    slot: -1,
    machine: -1,
    used: false,
    skipped: false,
    state: "pending",
    waiting: [],
    invocation: { ...call, arrivalMs: at, workMs, memPeakMb: call.memStartMb },
    peakMb: call.memPeakMb,
  };
}
