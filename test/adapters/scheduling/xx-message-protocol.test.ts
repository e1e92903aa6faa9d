import { describe, expect, it } from "vitest";
import type { IdleListReport } from "../../../adapters/scheduling/idle-list-report.ts";
import { XxDispatcher } from "../../../adapters/scheduling/xx-dispatcher.ts";
import { runsOnFreeCore, waits, XxMachine } from "../../../adapters/scheduling/xx-machine.ts";
import { XxShard } from "../../../adapters/scheduling/xx-shard.ts";
import { ScriptedRandom } from "./scripted-random.ts";
import { functionTable } from "./xx-function-table.ts";

/**
 * XX's classes driven the way the live plane will drive them, without the simulator: a shard
 * process holding an XxShard, two machine agents each holding an XxMachine and its XxDispatcher,
 * messages between them, and the time of each step given explicitly. What the agents do (start,
 * stop, swap, resume) is written to a log, as the live agent would send SIGCONT / SIGSTOP.
 */
describe("a shard and two machine agents, by message, at explicit times", () => {
  // Prices 1 and 4. Functions: 0 and 1 are class 0 (300 MB), 2 is class 1 (500 MB, growing to 700).
  const table = functionTable([0, 0, 1], [300, 300, 500]);
  const shard = new XxShard([1, 4], { machines: 2, k: 1, strict: false, idleList: true });
  const machines = [0, 1].map(() => new XxMachine(1, 2, table));
  const idleList = { shards: 1, k: 1, thresholdMb: 250, stepMb: 50 };
  const dispatchers = machines.map((machine, m) => new XxDispatcher(machine, { machine: m, ramMb: 1000, swapMb: 2000, idleList }));
  const noDraws = new ScriptedRandom([]);
  const log: string[] = [];
  const deliver = (report: IdleListReport | null): void => {
    if (!report) return;
    log.push(`m${report.machine} ${report.kind}${report.kind === "leave" ? "" : ` ${report.freeMb} MB, ${report.functions} fn`}`);
    shard.receive(report);
  };
  /** The agent's resident memory: what it would read from the kernel. */
  const resident = new Map<number, number>([
    [0, 0],
    [1, 0],
  ]);
  const residentOf = (m: number): number => resident.get(m)!;

  /** The shard places everything waiting at `now`; each agent acts on its machine's decision. */
  function placeAll(now: number): void {
    for (let p = shard.placeNext(now, [machines[0]!.functions, machines[1]!.functions], noDraws); p !== null; ) {
      const { fn, machine: m } = p;
      const machine = machines[m]!;
      const decision = machine.admit(fn);
      if (decision === waits) {
        log.push(`t${now} m${m} queue f${fn}`);
      } else {
        if (decision !== runsOnFreeCore) {
          log.push(`t${now} m${m} stop f${decision}`);
          machine.preempted(decision);
        }
        log.push(`t${now} m${m} ${machine.start(fn) ? "swap in and start" : "start"} f${fn}`);
      }
      resident.set(m, residentOf(m) + table.mem[fn]!);
      deliver(dispatchers[m]!.observeIdle(residentOf(m), () => shard.idleList!.size, noDraws));
      p = shard.placeNext(now, [machines[0]!.functions, machines[1]!.functions], noDraws);
    }
  }

  it("lists both machines, places by the recorded counts, preempts the low class, swaps it under pressure and resumes it", () => {
    for (const d of dispatchers) deliver(d.observeIdle(0, () => shard.idleList!.size, new ScriptedRandom([0])));

    shard.enqueue(0, 0, 0);
    placeAll(0);
    shard.enqueue(1, 0, 1);
    placeAll(1);
    // Both entries now record one function: the tie goes to the first listed, machine 0, where
    // class 1 preempts class 0.
    shard.enqueue(2, 1, 2);
    placeAll(2);
    expect(machines[0]!.waitingMb).toBe(300);

    // At t = 5 function 2 has grown to 700 MB: machine 0 holds 1000 MB, RAM is full.
    resident.set(0, 1000);
    const victims: number[] = [];
    dispatchers[0]!.chooseSwapOuts(residentOf(0), victims);
    expect(victims).toEqual([0]);
    for (const v of victims) {
      log.push(`t5 m0 swap out f${v} (${machines[0]!.swapOut(v)} MB)`);
      resident.set(0, residentOf(0) - table.mem[v]!);
    }
    expect(dispatchers[0]!.mustKill(residentOf(0))).toBe(false);

    // At t = 9 function 2 finishes: function 0 resumes, after its pages come back.
    table.mem[2] = 700;
    const next = machines[0]!.finish(2);
    log.push(`t9 m0 ${machines[0]!.start(next) ? "swap in and resume" : "resume"} f${next}`);

    expect(log).toEqual([
      "m0 join 1000 MB, 0 fn",
      "m1 join 1000 MB, 0 fn",
      "t0 m0 start f0",
      "m0 update 700 MB, 1 fn",
      "t1 m1 start f1",
      "m1 update 700 MB, 1 fn",
      "t2 m0 stop f0",
      "t2 m0 start f2",
      "m0 leave",
      "t5 m0 swap out f0 (300 MB)",
      "t9 m0 swap in and resume f0",
    ]);
    expect(shard.idleList!.listed()).toEqual([1]);
    expect([machines[0]!.functions, machines[0]!.waitingMb, machines[0]!.swappedMb]).toEqual([1, 0, 0]);
  });
});
