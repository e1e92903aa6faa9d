import type { MachineSample } from "../../backend.ts";
import { lambdaBilledMs, lambdaInstanceMicroCents } from "../../scheduling/mu/lambda-instance-bill.ts";
import { lambdaSize } from "../../scheduling/mu/lambda-size-table.ts";
import { SlotDeque } from "../../scheduling/slot-deque.ts";
import { CoreTimeMeter } from "../engine/core-time-meter.ts";
import { IndexedMinHeap } from "../engine/indexed-min-heap.ts";
import { LambdaSandboxes } from "../engine/lambda-sandboxes.ts";
import type { SimContext, SimModel } from "../engine/sim-model.ts";
import type { SimConfig } from "../sim-config.ts";

/**
 * Conventional FaaS (seed 004's baseline, AWS Lambda): every task is its own invocation on its
 * own instance, single-threaded, so a size's extra vCPUs sit idle. At most `concurrencyCap`
 * invocations are in flight; the rest wait in arrival order (the client's cap in seed 004 §4.1,
 * or Lambda's async queue). An invocation reuses a warm sandbox within the keep-alive, else starts
 * cold: `coldStartMs` of init before its handler runs. A thread gets one vCPU from 1,769 MB up
 * and that share of one below, so small sizes run slower. A handler running past the timeout is
 * cut off (`timeout`). Each row is billed as Lambda bills the invocation: init + duration, rounded
 * up to a ms, times the size's price per ms, plus the request fee. Entity 0 is the next handler
 * start or end.
 */
export function createFaasModel(ctx: SimContext, config: SimConfig): SimModel {
  const size = lambdaSize(config.memoryMb);
  const jobs = ctx.jobs;
  const sandboxes = new LambdaSandboxes(config.keepAliveMs);
  const waiting = new SlotDeque();
  /** Slot → its next step's time: handler start (while initialising), then its end. */
  const steps = new IndexedMinHeap(64);
  const initialising: boolean[] = [];
  const initMsOf: number[] = [];
  const meter = new CoreTimeMeter(1);
  let inFlight = 0;
  let running = 0;
  let invocations = 0;

  function reschedule(): void {
    if (steps.size === 0) ctx.events.delete(0);
    else ctx.events.set(0, steps.peekKey());
  }

  function dispatch(now: number): void {
    while (waiting.length > 0 && inFlight < config.concurrencyCap) {
      const slot = waiting.popFront();
      const sandbox = sandboxes.acquire(now);
      inFlight++;
      invocations++;
      jobs.machine[slot] = sandbox.id;
      jobs.placedAt[slot] = now;
      const initMs = sandbox.cold ? config.coldStartMs : 0;
      initMsOf[slot] = initMs;
      if (initMs > 0) {
        initialising[slot] = true;
        steps.set(slot, now + initMs);
      } else startHandler(slot, now);
    }
  }

  function startHandler(slot: number, now: number): void {
    initialising[slot] = false;
    meter.advance(0, now, running * size.threadCpuShare);
    running++;
    jobs.firstStart[slot] = now;
    jobs.runStart[slot] = now;
    const runMs = jobs.invocation[slot]!.workMs / size.threadCpuShare;
    steps.set(slot, now + Math.min(runMs, config.timeoutMs));
  }

  function end(slot: number, now: number): void {
    meter.advance(0, now, running * size.threadCpuShare);
    running--;
    inFlight--;
    const durationMs = now - jobs.runStart[slot]!;
    const inv = jobs.invocation[slot]!;
    const timedOut = inv.workMs / size.threadCpuShare > config.timeoutMs;
    const cost = lambdaInstanceMicroCents(size, lambdaBilledMs(initMsOf[slot]!, durationMs));
    sandboxes.release(jobs.machine[slot]!, now);
    jobs.remaining[slot] = 0;
    ctx.endBilled(slot, now, timedOut ? "timeout" : "ok", timedOut ? durationMs * size.threadCpuShare : inv.workMs, cost);
  }

  return {
    entities: 1,
    arrive(slot, now) {
      waiting.pushBack(slot);
      dispatch(now);
      reschedule();
    },
    wake(_entity, now) {
      const slot = steps.pop();
      if (initialising[slot]) startHandler(slot, now);
      else {
        end(slot, now);
        dispatch(now);
      }
      reschedule();
    },
    sample(now, emit: (s: MachineSample) => void) {
      emit({
        tMs: now,
        machine: 0,
        running,
        queued: waiting.length + (inFlight - running),
        utilization: meter.utilizationSinceSample(0, now, running * size.threadCpuShare, config.concurrencyCap),
      });
      meter.sampled(now);
    },
    busyCoreMs: (now) => meter.busyUntil(0, now, running * size.threadCpuShare),
    counters: () => ({ instanceInvocations: invocations, coldStarts: sandboxes.coldStarts }),
  };
}
