import { describe, expect, it } from "vitest";
import { ClassInheritance } from "../../../adapters/scheduling/class-inheritance.ts";

const ring = 1 << 20;

describe("ClassInheritance (a callee runs at its caller's class when that is higher)", () => {
  it.each<{ name: string; recorded: [id: number, cls: number][]; own: number; parent: number | undefined; cls: number; misses: number; inherited: number }>([
    { name: "no caller: its own class", recorded: [[1, 3]], own: 1, parent: undefined, cls: 1, misses: 0, inherited: 0 },
    { name: "higher caller: the caller's class", recorded: [[5, 3]], own: 1, parent: 5, cls: 3, misses: 0, inherited: 1 },
    { name: "caller of the same class: its own", recorded: [[5, 2]], own: 2, parent: 5, cls: 2, misses: 0, inherited: 0 },
    { name: "lower caller: its own class", recorded: [[5, 0]], own: 2, parent: 5, cls: 2, misses: 0, inherited: 0 },
    { name: "caller ran at class 0, callee class 0", recorded: [[5, 0]], own: 0, parent: 5, cls: 0, misses: 0, inherited: 0 },
    { name: "caller at class 1 lifts a class-0 callee", recorded: [[5, 1]], own: 0, parent: 5, cls: 1, misses: 0, inherited: 1 },
    { name: "caller never recorded: a miss", recorded: [[4, 3]], own: 1, parent: 5, cls: 1, misses: 1, inherited: 0 },
    { name: "caller id 0 never recorded: a miss", recorded: [], own: 1, parent: 0, cls: 1, misses: 1, inherited: 0 },
    // The ring's empty entries must not pass for any id, 0 or otherwise.
    { name: "caller id 1 never recorded: a miss", recorded: [[2, 3]], own: 1, parent: 1, cls: 1, misses: 1, inherited: 0 },
    { name: "caller id 0 recorded", recorded: [[0, 2]], own: 1, parent: 0, cls: 2, misses: 0, inherited: 1 },
    { name: "the last record of an id wins", recorded: [[5, 3], [5, 1]], own: 0, parent: 5, cls: 1, misses: 0, inherited: 1 },
    { name: "caller beyond the ring size", recorded: [[ring + 7, 3]], own: 0, parent: ring + 7, cls: 3, misses: 0, inherited: 1 },
    { name: "caller overwritten by an id a ring later: a miss", recorded: [[7, 3], [ring + 7, 0]], own: 1, parent: 7, cls: 1, misses: 1, inherited: 0 },
    { name: "a later id sharing the ring entry is not the caller", recorded: [[7, 3]], own: 1, parent: ring + 7, cls: 1, misses: 1, inherited: 0 },
  ])("$name", ({ recorded, own, parent, cls, misses, inherited }) => {
    const inheritance = new ClassInheritance();
    for (const [id, ran] of recorded) inheritance.record(id, ran);
    expect(inheritance.inheritedClass(own, parent)).toBe(cls);
    expect([inheritance.misses, inheritance.inherited]).toEqual([misses, inherited]);
  });

  it("a chain carries its highest class down every link", () => {
    const inheritance = new ClassInheritance();
    const own = [3, 0, 1, 0];
    let parent: number | undefined;
    const ran: number[] = [];
    own.forEach((cls, id) => {
      const at = inheritance.inheritedClass(cls, parent);
      inheritance.record(id, at);
      ran.push(at);
      parent = id;
    });
    expect(ran).toEqual([3, 3, 3, 3]);
    expect(inheritance.inherited).toBe(3);
  });
});
