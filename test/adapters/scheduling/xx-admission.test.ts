import { describe, expect, it } from "vitest";
import { microCentsPerUsd } from "../../../adapters/billing/price-table.ts";
import { throttled, XxAdmission } from "../../../adapters/scheduling/xx-admission.ts";

const monthMs = 30 * 24 * 3600 * 1000;

describe("XxAdmission: the class an invocation runs at", () => {
  it.each([
    { name: "its own without a caller", own: 1, parent: undefined, callerRan: null, cls: 1 },
    { name: "its caller's when higher", own: 0, parent: 5, callerRan: 3, cls: 3 },
    { name: "its own when the caller's is lower", own: 2, parent: 5, callerRan: 1, cls: 2 },
    { name: "its own when the caller is unknown", own: 0, parent: 99, callerRan: null, cls: 0 },
  ])("$name", ({ own, parent, callerRan, cls }) => {
    const admission = new XxAdmission({});
    if (callerRan !== null) expect(admission.classFor(5, callerRan, undefined, "t", 0)).toBe(callerRan);
    expect(admission.classFor(6, own, parent, "t", 1)).toBe(cls);
  });

  // Tenant "t" has 1 USD a month: half-way through, its pro-rata line is 0.5 USD.
  it.each([
    { name: "on budget: full class", spentUsd: 0.4, cls: 3 },
    { name: "ahead of the line: demoted to class 0", spentUsd: 0.6, cls: 0 },
    { name: "more than twice the line: throttled", spentUsd: 1.1, cls: throttled },
  ])("a tenant $name", ({ spentUsd, cls }) => {
    const admission = new XxAdmission({ t: 1 });
    admission.charge("t", spentUsd * microCentsPerUsd);
    expect(admission.classFor(1, 3, undefined, "t", monthMs / 2)).toBe(cls);
    // A tenant without a budget is never throttled, whatever it spends.
    admission.charge("u", 1e6 * microCentsPerUsd);
    expect(admission.classFor(2, 3, undefined, "u", monthMs / 2)).toBe(3);
  });

  it("lets the callees of a throttled or demoted invocation inherit what it ran at, or would have", () => {
    const admission = new XxAdmission({ t: 1 });
    admission.charge("t", 1.1 * microCentsPerUsd);
    expect(admission.classFor(1, 3, undefined, "t", monthMs / 2)).toBe(throttled);
    expect(admission.classFor(2, 0, 1, "u", monthMs / 2)).toBe(3);
    const demoting = new XxAdmission({ t: 1 });
    demoting.charge("t", 0.6 * microCentsPerUsd);
    expect(demoting.classFor(1, 3, undefined, "t", monthMs / 2)).toBe(0);
    expect(demoting.classFor(2, 1, 1, "u", monthMs / 2)).toBe(1);
  });
});
