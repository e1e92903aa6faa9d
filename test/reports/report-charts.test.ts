import { compile, type TopLevelSpec } from "vega-lite";
import { describe, expect, it } from "vitest";
import { backendPalette } from "../../reports/charts/chart-style.ts";
import { costChart } from "../../reports/charts/cost-chart.ts";
import { latencyCcdfChart } from "../../reports/charts/latency-ccdf-chart.ts";
import { tailOverTimeChart } from "../../reports/charts/tail-over-time-chart.ts";
import { tailOverTimePanels } from "../../reports/tail-over-time-panels.ts";

/** Every object in a spec, depth first: the layers, marks and scales to check. */
function objectsOf(value: unknown): Record<string, unknown>[] {
  if (Array.isArray(value)) return value.flatMap(objectsOf);
  if (value === null || typeof value !== "object") return [];
  return [value as Record<string, unknown>, ...Object.values(value).flatMap(objectsOf)];
}

function scaleNames(spec: TopLevelSpec): string[] {
  return objectsOf(compile(spec).spec).flatMap((o) => (Array.isArray(o.scales) ? (o.scales as { name: string }[]).map((s) => s.name) : []));
}

describe("the cost chart", () => {
  const rows = ["xx", "lambda"].flatMap((model) =>
    ["A", "B", "C"].flatMap((series) =>
      ["t1", "t2"].map((tenant) => ({ series, model, tenant, priceClass: "c0", usd: model === "xx" ? 1e-6 : series === "A" ? 5 : 0.01, usdText: "" })),
    ),
  );

  it("gives the backends one y scale per billing model, not one per panel", () => {
    const spec = costChart(rows, ["lambda", "xx"], ["A", "B", "C"], ["c0"], ["t1", "t2"]);
    expect(scaleNames(spec).filter((n) => /_y$/.test(n))).toEqual(["concat_0_y", "concat_1_y"]);
  });

  it("writes its axis in dollars", () => {
    const spec = costChart(rows, ["lambda", "xx"], ["A", "B", "C"], ["c0"], ["t1", "t2"]);
    const axes = objectsOf(spec).filter((o) => o.field === "usd");
    expect(axes.length).toBeGreaterThan(0);
    for (const y of axes) expect((y.axis as { labelExpr: string }).labelExpr).toContain("'$'");
  });
});

describe("the tail-over-time chart", () => {
  const layout = { runs: [{ runId: 1, series: "A" }], classes: [{ priceClass: 0, label: "only" }], windowMs: 1000, windowCount: 4 };
  const panels = tailOverTimePanels([{ runId: 1, priceClass: 0, window: 0, count: 20, p50Ms: 5, p99Ms: 50 }], layout);
  const phases = [
    { startS: 0, endS: 2, load: 0.7 },
    { startS: 2, endS: 4, load: 1.3 },
  ];
  const spec = tailOverTimeChart(panels, phases, ["only"], ["A"], 1, 4);
  const marks = objectsOf(spec).filter((o) => typeof o.mark === "object" && o.mark !== null) as { mark: { type: string; color?: string } }[];

  it("draws load changes, phases and sparse windows in greys, which no backend takes", () => {
    // The backends take category hues (red among them, like the seeds' red rules): every hue is a backend's.
    const spread = (colour: string): number => {
      const hex = colour.length === 4 ? `#${[...colour.slice(1)].map((d) => d + d).join("")}` : colour;
      const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
      return Math.max(r!, g!, b!) - Math.min(r!, g!, b!);
    };
    expect(backendPalette.filter((c) => spread(c) <= 16)).toEqual([]);
    expect(objectsOf(spec).filter((o) => o.field === "series" && o.scale !== undefined).map((o) => o.scale)).toEqual([{ range: backendPalette }]);
    expect(marks.filter((m) => m.mark.type === "rule")).toHaveLength(1);
    const nonBackend = marks.filter((m) => m.mark.type !== "line");
    expect(nonBackend.length).toBeGreaterThanOrEqual(4);
    for (const m of nonBackend) expect(spread(m.mark.color ?? "#000000"), `${m.mark.type} ${m.mark.color}`).toBeLessThanOrEqual(16);
  });

  it("marks the sparse windows and says on the panel why it has no p99", () => {
    const sparse = objectsOf(spec).find((o) => Array.isArray((o.data as { values?: unknown[] } | undefined)?.values) && (o.data as { values: { fewest?: number }[] }).values[0]?.fewest !== undefined);
    expect((sparse!.data as { values: unknown[] }).values).toHaveLength(4);
    const titles = objectsOf(spec).filter((o) => o.text === "only");
    expect(titles).toContainEqual(expect.objectContaining({ subtitle: "no p99 drawn: no 1 s window holds 100 completed invocations of this class (at most 20); medians only" }));
  });
});

describe("the latency CCDF", () => {
  const domainOf = (spec: TopLevelSpec): number[] => (objectsOf(spec).find((o) => o.field === "slower" && o.scale !== undefined)!.scale as { domain: number[] }).domain;

  it.each([
    [1 / 3000, [1e-4, 1]], // reaches the slowest invocation of the largest class
    [1 / 20, [1e-3, 1]], // never stops above p99.9, so the p99–p99.9 band is always on the axis
    [1 / 2_000_000, [1e-7, 1]],
  ])("with the smallest tail fraction %d the y axis spans %j, log", (smallest, domain) => {
    const spec = latencyCcdfChart(
      [
        { series: "A", priceClass: "c", slower: 0.5, latencyMs: 10 },
        { series: "A", priceClass: "c", slower: smallest, latencyMs: 900 },
      ],
      ["c"],
      ["A"],
    );
    expect(domainOf(spec)).toEqual(domain);
    const y = objectsOf(spec).find((o) => o.field === "slower" && o.scale !== undefined)!;
    expect((y.scale as { type: string }).type).toBe("log");
    const tailRules = objectsOf(spec).find((o) => Array.isArray(o.values) && (o.values as { text?: string }[]).some((v) => v.text === "p99.9"));
    expect(tailRules!.values).toEqual([
      { slower: 0.01, text: "p99" },
      { slower: 0.001, text: "p99.9" },
    ]);
  });
});
