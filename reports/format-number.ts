/** Four significant digits with thousands separators: what a reader compares at a glance. */
export function formatNumber(x: number | null): string {
  if (x === null || !Number.isFinite(x)) return "–";
  if (Math.abs(x) >= 10_000) return Math.round(x).toLocaleString("en-US");
  return Number(x.toPrecision(4)).toLocaleString("en-US", { maximumFractionDigits: 4 });
}
