/**
 * Dollars as dollars, to the precision a reader compares: "$1.23k", "$4.56M", "$1.23", "$0.50",
 * "$0.031", "$0.0012". Cents from a dollar up, two significant digits below a dollar (what one
 * tenant pays in a short run is a fraction of a cent, and backends differ in the second digit),
 * three significant digits and k/M/B from a thousand dollars; never µ¢ nor a bare float.
 */
const thousands = [
  [1e3, "k"],
  [1e6, "M"],
  [1e9, "B"],
] as const;

export function formatUsd(usd: number | null): string {
  if (usd === null || !Number.isFinite(usd)) return "–";
  if (usd === 0) return "$0";
  const sign = usd < 0 ? "-" : "";
  const x = Math.abs(usd);
  if (x >= 999.995) {
    // The smallest suffix whose three significant digits stay below 1000 ("$1M", not "$1000k").
    for (const [scale, suffix] of thousands) {
      const scaled = Number((x / scale).toPrecision(3));
      if (scaled < 1000 || suffix === "B") return `${sign}$${scaled.toLocaleString("en-US", { maximumFractionDigits: 2 })}${suffix}`;
    }
  }
  if (x >= 0.995) return `${sign}$${x.toFixed(2)}`;
  const belowDollar = Number(x.toPrecision(2));
  if (belowDollar >= 0.1) return `${sign}$${belowDollar.toFixed(2)}`;
  return `${sign}$${belowDollar.toFixed(1 - Math.floor(Math.log10(belowDollar)))}`;
}

/**
 * The same rule as a vega expression, for axis labels drawn by vega (in Node and in the page):
 * `datum.value` is the tick value in US dollars.
 */
export const usdLabelExpr = [
  "datum.value == 0 ? '$0'",
  ": (datum.value < 0 ? '-' : '') + '$' + (abs(datum.value) >= 1000 ? replace(format(abs(datum.value), '.3~s'), 'G', 'B')",
  ": abs(datum.value) >= 0.1 ? format(abs(datum.value), '.2f')",
  ": format(abs(datum.value), '.2~r'))",
].join(" ");
