import { describe, expect, it } from "vitest";
import { FreshenLog } from "../../../adapters/live/freshen-log.ts";

const job = (tenant: string, cpuMs: number) => ({ tenant, priceClass: 1, fn: "g", cpuMs, wallMs: 2 * cpuMs, memStartMb: 10, memPeakMb: 20 });

describe("FreshenLog: an agent's freshen runs, read by sequence number", () => {
  it("numbers records 1, 2, … and pages after a mark, oldest first", () => {
    const log = new FreshenLog(10);
    expect(log.page(0, 5)).toEqual({ jobs: [], next: 0, last: 0, running: 0, lost: 0 });
    for (let i = 1; i <= 4; i++) log.record(job(`t${i}`, i));
    const mark = log.last;
    expect(mark).toBe(4);
    for (let i = 5; i <= 7; i++) log.record(job(`t${i}`, i));
    const page = log.page(mark, 2);
    expect(page.jobs.map((j) => j.seq)).toEqual([5, 6]);
    expect(page).toMatchObject({ next: 6, last: 7, lost: 0 });
    const rest = log.page(page.next, 2);
    expect(rest.jobs.map((j) => [j.seq, j.tenant])).toEqual([[7, "t7"]]);
    expect(rest.next).toBe(7);
    expect(log.page(7, 5)).toMatchObject({ jobs: [], next: 7, last: 7 });
    // limit 0: just where the log stands (a run's start mark).
    expect(log.page(0, 0)).toMatchObject({ jobs: [], last: 7 });
  });

  it("keeps the newest `capacity` records and says how many after a mark were lost", () => {
    const log = new FreshenLog(3);
    for (let i = 1; i <= 10; i++) log.record(job("t", i));
    const page = log.page(2, 100);
    expect(page.jobs.map((j) => j.seq)).toEqual([8, 9, 10]);
    expect(page.lost).toBe(5); // 3..7
    expect(log.page(8, 100)).toMatchObject({ lost: 0, jobs: [{ seq: 9 }, { seq: 10 }] });
  });

  it("a mark beyond the log (the agent restarted since) reads nothing and reports the smaller last seq", () => {
    const log = new FreshenLog(5);
    log.record(job("t", 1));
    expect(log.page(40, 5)).toMatchObject({ jobs: [], last: 1, lost: 0 });
  });

  it("counts freshens still running, whose cost is still to come", () => {
    const log = new FreshenLog();
    log.running += 2;
    expect(log.page(0, 1).running).toBe(2);
  });
});
