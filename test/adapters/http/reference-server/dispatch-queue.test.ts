import { describe, expect, it } from "vitest";
import { DispatchQueue, type Admission, type Handoff } from "../../../../adapters/http/reference-server/dispatch-queue.ts";

type Step = { offer: string } | { release: number } | { withdraw: string; expect: boolean };

/** Runs the steps and returns each one's decision, written compactly: run:w:job, queued:n, rejected:n, idle. */
function replay(workers: number, capacity: number, steps: readonly Step[]): string[] {
  const queue = new DispatchQueue<string>(workers, capacity);
  const show = (d: Admission<string> | Handoff<string>): string => (d.kind === "run" ? `run:${d.worker}:${d.job}` : d.kind === "idle" ? "idle" : `${d.kind}:${d.waiting}`);
  return steps.map((step) => {
    if ("offer" in step) return show(queue.offer(step.offer));
    if ("release" in step) return show(queue.release(step.release));
    return String(queue.withdraw(step.withdraw) === step.expect);
  });
}

describe("DispatchQueue", () => {
  it.each<[string, number, number, Step[], string[]]>([
    ["idle workers take requests lowest first", 2, 0, [{ offer: "a" }, { offer: "b" }], ["run:0:a", "run:1:b"]],
    ["capacity 0: one request per worker, the next is refused", 1, 0, [{ offer: "a" }, { offer: "b" }], ["run:0:a", "rejected:0"]],
    ["1 worker, queue 1, 4 at once: 1 runs, 1 waits, 2 refused", 1, 1, [{ offer: "a" }, { offer: "b" }, { offer: "c" }, { offer: "d" }], ["run:0:a", "queued:1", "rejected:1", "rejected:1"]],
    ["a finishing worker takes the oldest waiting request (FIFO)", 1, 3, [{ offer: "a" }, { offer: "b" }, { offer: "c" }, { release: 0 }, { release: 0 }, { release: 0 }], ["run:0:a", "queued:1", "queued:2", "run:0:b", "run:0:c", "idle"]],
    ["a released worker is reused before higher-numbered ones", 3, 0, [{ offer: "a" }, { offer: "b" }, { offer: "c" }, { release: 2 }, { release: 0 }, { offer: "d" }, { offer: "e" }], ["run:0:a", "run:1:b", "run:2:c", "idle", "idle", "run:0:d", "run:2:e"]],
    ["idle workers are handed out lowest first whatever order they finished in", 3, 0, [{ offer: "a" }, { offer: "b" }, { offer: "c" }, { release: 0 }, { release: 2 }, { release: 1 }, { offer: "d" }, { offer: "e" }, { offer: "f" }, { offer: "g" }], ["run:0:a", "run:1:b", "run:2:c", "idle", "idle", "idle", "run:0:d", "run:1:e", "run:2:f", "rejected:0"]],
    ["a freed place admits one more, not two", 1, 1, [{ offer: "a" }, { offer: "b" }, { release: 0 }, { offer: "c" }, { offer: "d" }], ["run:0:a", "queued:1", "run:0:b", "queued:1", "rejected:1"]],
    ["a withdrawn request leaves the queue and is never run", 1, 2, [{ offer: "a" }, { offer: "b" }, { offer: "c" }, { withdraw: "b", expect: true }, { release: 0 }, { release: 0 }], ["run:0:a", "queued:1", "queued:2", "true", "run:0:c", "idle"]],
    ["withdrawing a running or unknown request does nothing", 1, 1, [{ offer: "a" }, { withdraw: "a", expect: false }, { withdraw: "zz", expect: false }, { offer: "b" }], ["run:0:a", "true", "true", "queued:1"]],
  ])("%s", (_name, workers, capacity, steps, expected) => {
    expect(replay(workers, capacity, steps)).toEqual(expected);
  });

  it("drain empties the queue oldest first and counts stay exact", () => {
    const queue = new DispatchQueue<string>(2, 5);
    for (const job of ["a", "b", "c", "d", "e"]) queue.offer(job);
    expect([queue.idleCount, queue.waitingCount]).toEqual([0, 3]);
    expect(queue.drain()).toEqual(["c", "d", "e"]);
    expect(queue.waitingCount).toBe(0);
  });
});
