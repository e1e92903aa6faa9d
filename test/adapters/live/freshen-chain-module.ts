/**
 * The user function module the live freshen tests deploy: f calls g (the module's chain), g needs
 * data that takes `fetchMs` to fetch, and freshen prefetches it for g with a `ttlMs` lifetime. A
 * call names its function in the payload (`fn`), or, replayed from a trace, through `context.function`.
 */
export function freshenChainModule(fetchMs: number, ttlMs: number): string {
  return `
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const loadData = async () => { await sleep(${fetchMs}); return { rows: 40 }; };
export const chain = { f: ["g"] };
export async function freshen(context) {
  if (context.function === "g") await context.fetch("data", loadData, { ttlMs: ${ttlMs} });
}
export async function handler(payload, context) {
  const fn = payload?.fn ?? context.function;
  if (fn === "f") { await sleep(300); return { f: "done" }; }
  if (fn === "g") { const data = await context.fetch("data", loadData, { ttlMs: ${ttlMs} }); return { sum: data.rows + (payload?.n ?? 0) }; }
  return { plain: fn };
}
`;
}
