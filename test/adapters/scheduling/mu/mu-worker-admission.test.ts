import { describe, expect, it } from "vitest";
import { answerPoll, paperAdmission, taskSlots, type AdmissionLimits } from "../../../../adapters/scheduling/mu/mu-worker-admission.ts";

const limits: AdmissionLimits = { timeoutMs: 10_000, ...paperAdmission };
const idle = { cpuShare: 0, memShare: 0, runningTasks: 0 };

describe("answerPoll: seed 004's Algorithm 1 for one poll", () => {
  it.each([
    { name: "an idle worker with work waiting gets a task", now: 1000, vcpus: 2, report: idle, pool: true, answer: "assign" },
    { name: "an idle worker with nothing waiting is shut down", now: 1000, vcpus: 2, report: idle, pool: false, answer: "shutdown" },
    { name: "a busy worker with nothing waiting continues", now: 1000, vcpus: 3, report: { ...idle, runningTasks: 1, cpuShare: 0.33 }, pool: false, answer: "continue" },
    { name: "vCPUs − 1 tasks is full: 2 vCPUs run 1", now: 1000, vcpus: 2, report: { ...idle, runningTasks: 1, cpuShare: 0.5 }, pool: true, answer: "continue" },
    { name: "below vCPUs − 1 takes another: 6 vCPUs with 4", now: 1000, vcpus: 6, report: { ...idle, runningTasks: 4, cpuShare: 0.67 }, pool: true, answer: "assign" },
    { name: "6 vCPUs with 5 tasks is full", now: 1000, vcpus: 6, report: { ...idle, runningTasks: 5, cpuShare: 0.83 }, pool: true, answer: "continue" },
    { name: "1 vCPU never takes a task (all of it monitors)", now: 1000, vcpus: 1, report: idle, pool: true, answer: "shutdown" },
    { name: "exactly 80 % of the timeout still takes", now: 8000, vcpus: 2, report: idle, pool: true, answer: "assign" },
    { name: "past 80 % of the timeout an idle worker shuts down", now: 8001, vcpus: 2, report: idle, pool: true, answer: "shutdown" },
    { name: "past 80 % of the timeout a busy worker continues", now: 8001, vcpus: 3, report: { ...idle, runningTasks: 1 }, pool: true, answer: "continue" },
    { name: "CPU at the threshold still takes", now: 1000, vcpus: 6, report: { ...idle, runningTasks: 1, cpuShare: 0.9 }, pool: true, answer: "assign" },
    { name: "CPU over the threshold does not", now: 1000, vcpus: 6, report: { ...idle, runningTasks: 1, cpuShare: 0.91 }, pool: true, answer: "continue" },
    { name: "memory over the threshold does not", now: 1000, vcpus: 6, report: { ...idle, runningTasks: 1, memShare: 0.95 }, pool: true, answer: "continue" },
    { name: "an idle worker over a threshold is shut down, as Algorithm 1 reads", now: 1000, vcpus: 6, report: { ...idle, memShare: 0.95 }, pool: true, answer: "shutdown" },
  ])("$name", ({ now, vcpus, report, pool, answer }) => {
    expect(answerPoll(now, 0, vcpus, report, pool, limits).kind).toBe(answer);
  });

  it("measures the window from the worker's own start", () => {
    expect(answerPoll(12_000, 4001, 2, idle, true, limits).kind).toBe("assign");
    expect(answerPoll(12_002, 4001, 2, idle, true, limits).kind).toBe("shutdown");
  });

  it.each([
    [1, 0],
    [2, 1],
    [3, 2],
    [6, 5],
  ])("a worker of %i vCPUs has %i task slots", (vcpus, slots) => {
    expect(taskSlots(vcpus)).toBe(slots);
  });
});
