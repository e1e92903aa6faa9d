import { describe, expect, it } from "vitest";
import { InFlight, InFlightQueue } from "../../../adapters/network/in-flight-queue.ts";
import { invocation } from "../../support/run-invocations.ts";

function entry(id: number): InFlight {
  return new InFlight(invocation({ id, arrivalMs: id, workMs: 1 }), id, id + 100);
}

function settle(queue: InFlightQueue, e: InFlight): void {
  e.settled = true;
  queue.settled(e);
}

describe("InFlightQueue: sent requests in deadline order", () => {
  it("keeps the oldest unsettled request at the head, whatever order answers come in", () => {
    const queue = new InFlightQueue();
    const [a, b, c] = [entry(0), entry(1), entry(2)];
    [a, b, c].forEach((e) => queue.push(e));
    expect(queue.oldest()).toBe(a);
    settle(queue, b); // answered out of order: a is still the next to time out
    expect(queue.oldest()).toBe(a);
    expect(queue.unsettled()).toEqual([a, c]);
    settle(queue, a);
    expect(queue.oldest()).toBe(c);
    settle(queue, c);
    expect(queue.oldest()).toBeUndefined();
    expect(queue.unsettled()).toEqual([]);
  });

  it("stays correct across compaction, with a slow head holding thousands behind it", () => {
    const queue = new InFlightQueue();
    const entries = Array.from({ length: 5000 }, (_, i) => entry(i));
    entries.forEach((e) => queue.push(e));
    for (const e of entries.slice(1, 4000)) settle(queue, e);
    expect(queue.oldest()).toBe(entries[0]);
    settle(queue, entries[0]!);
    expect(queue.oldest()).toBe(entries[4000]);
    expect(queue.unsettled()).toHaveLength(1000);
    queue.push(entry(5000));
    expect(queue.unsettled().at(-1)!.inv.id).toBe(5000);
  });
});
