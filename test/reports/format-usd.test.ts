import { parse, View } from "vega";
import { describe, expect, it } from "vitest";
import { formatUsd, usdLabelExpr } from "../../reports/format-usd.ts";

const cases: [number | null, string][] = [
  [0, "$0"],
  [0.0012, "$0.0012"],
  [0.00123456, "$0.0012"],
  [0.000034, "$0.000034"],
  [0.0097, "$0.0097"],
  [0.0312, "$0.031"],
  [0.0999, "$0.10"],
  [0.5, "$0.50"],
  [0.996, "$1.00"],
  [1.234, "$1.23"],
  [999.99, "$999.99"],
  [999.996, "$1k"],
  [1234, "$1.23k"],
  [12_345, "$12.3k"],
  [999_960, "$1M"],
  [4_560_000, "$4.56M"],
  [2.5e9, "$2.5B"],
  [-1.5, "-$1.50"],
  [Number.NaN, "–"],
  [null, "–"],
];

describe("dollars as dollars", () => {
  it.each(cases)("formatUsd(%s) = %s", (usd, text) => {
    expect(formatUsd(usd)).toBe(text);
  });

  // The axis labels are vega's: evaluate the expression in a real (headless) vega view.
  it.each([
    [0, "$0"],
    [0.0005, "$0.0005"],
    [0.0015, "$0.0015"],
    [0.01, "$0.01"],
    [0.5, "$0.50"],
    [2, "$2.00"],
    [1500, "$1.5k"],
    [2e6, "$2M"],
    [3e9, "$3B"],
  ])("axis label for %s is %s", async (value, text) => {
    const view = new View(parse({ signals: [{ name: "label", update: usdLabelExpr.replace(/datum\.value/g, String(value)) }] }), { renderer: "none" });
    await view.runAsync();
    expect(view.signal("label")).toBe(text);
    view.finalize();
  });
});
