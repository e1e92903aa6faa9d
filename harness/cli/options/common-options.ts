export const defaultDbPath = "runs/xxbench.duckdb";

export const dbOption = {
  db: { type: "string", default: defaultDbPath, describe: "DuckDB file holding the runs" },
} as const;

export const seedOption = {
  seed: { type: "number", default: 1, describe: "Seed for every random stream (trace, placement, …)" },
} as const;
