import { describe, expect, it } from "vitest";
import { workersToSpawn } from "../../../../adapters/scheduling/mu/mu-worker-spawner.ts";

describe("workersToSpawn: enough workers for the pooled tasks no live worker can take, under the cap", () => {
  it.each([
    { name: "100 tasks, 1 slot each, cap 8", pooledTasks: 100, freeSlots: 0, workers: 0, concurrencyCap: 8, slotsPerWorker: 1, spawn: 8 },
    { name: "5 tasks, 2 slots each: 3 workers", pooledTasks: 5, freeSlots: 0, workers: 0, concurrencyCap: 8, slotsPerWorker: 2, spawn: 3 },
    { name: "free slots cover the pool", pooledTasks: 4, freeSlots: 4, workers: 2, concurrencyCap: 8, slotsPerWorker: 2, spawn: 0 },
    { name: "free slots cover part of the pool", pooledTasks: 7, freeSlots: 4, workers: 2, concurrencyCap: 8, slotsPerWorker: 2, spawn: 2 },
    { name: "at the cap nothing spawns", pooledTasks: 50, freeSlots: 0, workers: 8, concurrencyCap: 8, slotsPerWorker: 5, spawn: 0 },
    { name: "one under the cap spawns one", pooledTasks: 50, freeSlots: 0, workers: 7, concurrencyCap: 8, slotsPerWorker: 5, spawn: 1 },
    { name: "an empty pool spawns nothing", pooledTasks: 0, freeSlots: 0, workers: 0, concurrencyCap: 8, slotsPerWorker: 5, spawn: 0 },
    { name: "workers without task slots are never spawned", pooledTasks: 10, freeSlots: 0, workers: 0, concurrencyCap: 8, slotsPerWorker: 0, spawn: 0 },
    { name: "over the cap (it was lowered) spawns nothing", pooledTasks: 10, freeSlots: 0, workers: 9, concurrencyCap: 8, slotsPerWorker: 1, spawn: 0 },
  ])("$name → $spawn", ({ spawn, ...state }) => {
    expect(workersToSpawn(state)).toBe(spawn);
  });
});
