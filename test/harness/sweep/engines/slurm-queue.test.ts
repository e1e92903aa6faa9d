import { describe, expect, it } from "vitest";
import { arrayRanges, attemptState, exitCodeText, expandArrayTasks, parseSqueue } from "../../../../harness/sweep/engines/slurm-queue.ts";

describe("squeue's array task ids", () => {
  it.each([
    ["12_3", { jobId: "12", tasks: [3] }],
    ["12_[0-3]", { jobId: "12", tasks: [0, 1, 2, 3] }],
    ["12_[0-2,5,7-8]", { jobId: "12", tasks: [0, 1, 2, 5, 7, 8] }],
    ["12_[4-6%2]", { jobId: "12", tasks: [4, 5, 6] }],
    ["12", null],
    ["12_[a-b]", null],
    ["", null],
  ])("%s", (id, expected) => {
    expect(expandArrayTasks(id)).toEqual(expected);
  });
});

describe("parseSqueue", () => {
  it("reads squeue -O JobArrayID,State,exit_code as the one-node cluster printed it", () => {
    // Captured from slurm-wlm 22.05 (raw wait status: 768 = exit 3).
    const text = [
      "1_[4-5]                                                         PENDING                 0           ",
      "1_3                                                             COMPLETED               0           ",
      "1_2                                                             FAILED                  768         ",
      "5_[0-2]                                                         CANCELLED               0           ",
      "",
      "9                                                               RUNNING                 0           ",
    ].join("\n");
    expect(parseSqueue(text)).toEqual([
      { jobId: "1", task: 4, state: "PENDING", waitStatus: 0 },
      { jobId: "1", task: 5, state: "PENDING", waitStatus: 0 },
      { jobId: "1", task: 3, state: "COMPLETED", waitStatus: 0 },
      { jobId: "1", task: 2, state: "FAILED", waitStatus: 768 },
      { jobId: "5", task: 0, state: "CANCELLED", waitStatus: 0 },
      { jobId: "5", task: 1, state: "CANCELLED", waitStatus: 0 },
      { jobId: "5", task: 2, state: "CANCELLED", waitStatus: 0 },
    ]);
  });
});

describe("what a SLURM state means for a cell", () => {
  it.each([
    ["PENDING", "queued"],
    ["REQUEUED", "queued"],
    ["CONFIGURING", "running"],
    ["RUNNING", "running"],
    ["COMPLETING", "running"],
    ["SUSPENDED", "running"],
    ["COMPLETED", "succeeded"],
    ["FAILED", "failed"],
    ["TIMEOUT", "failed"],
    ["OUT_OF_MEMORY", "failed"],
    ["NODE_FAIL", "failed"],
    ["PREEMPTED", "failed"],
    ["CANCELLED", "cancelled"],
    ["CANCELLED by 0", "cancelled"],
    ["CANCELLED+", "cancelled"],
    ["SOME_NEW_STATE", "running"],
  ] as const)("%s → %s", (state, expected) => {
    expect(attemptState(state)).toBe(expected);
  });

  it.each([
    [0, "0:0"],
    [768, "3:0"],
    [9, "0:9"],
    [256 * 2 + 15, "2:15"],
    [null, null],
  ])("wait status %s is exit code %s", (status, text) => {
    expect(exitCodeText(status)).toBe(text);
  });
});

describe("arrayRanges", () => {
  it.each([
    [[0, 1, 2, 3], undefined, "0-3"],
    [[2], undefined, "2"],
    [[0, 2, 3, 4, 7, 9, 10], undefined, "0,2-4,7,9-10"],
    [[5, 1, 3, 2, 2], undefined, "1-3,5"],
    [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], 4, "0-15%4"],
  ])("%j (max %s) → %s", (indices, max, expected) => {
    expect(arrayRanges(indices, max)).toBe(expected);
  });
});
