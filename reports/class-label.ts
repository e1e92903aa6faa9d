/** "class 3 · 2 µ¢/cpu-s": the class index users pass, with the price that gives it meaning. */
export function classLabel(priceClass: number, prices: readonly number[]): string {
  const price = prices[priceClass];
  return price === undefined ? `class ${priceClass}` : `class ${priceClass} · ${price} µ¢/cpu-s`;
}
