/** One run of a sweep: a workload (constant load or a phase schedule), a backend, a seed. */
export interface SweepCell {
  readonly index: number;
  /** Constant offered load, or null when the cell follows `phases`. */
  readonly load: number | null;
  /** A load schedule "tick:load,…", or null for a constant load. */
  readonly phases: string | null;
  readonly backend: string;
  readonly seed: number;
  /** Flags this cell sets over the sweep's own (a grid variant, e.g. { "memory-mb": 4096 }). */
  readonly options?: SweepVariant;
  /** Stored as runs.label, e.g. "load=0.9 seed=1". */
  readonly label: string;
}

/** Flag values one axis point of a grid sets, by flag name without dashes. */
export type SweepVariant = Readonly<Record<string, number | string>>;

export interface SweepGrid {
  /** Constant loads to sweep; empty when `phases` is given. */
  readonly loads: readonly number[];
  readonly phases?: string;
  readonly backends: readonly string[];
  readonly seeds: readonly number[];
  /**
   * Another axis: each variant's flags over the sweep's (seed 004's memory sizes). With no loads
   * and no phases, the workload is the sweep's own flags (e.g. --rate), varied only by these.
   */
  readonly variants?: readonly SweepVariant[];
}

/**
 * The cells in a fixed order — seed, then load, then backend — so every backend of one workload
 * is launched together and a sweep's runs read in a natural order in the store.
 */
export function sweepCells(grid: SweepGrid): SweepCell[] {
  const workloads: { load: number | null; phases: string | null }[] =
    grid.phases !== undefined
      ? [{ load: null, phases: grid.phases }]
      : grid.loads.length === 0 && grid.variants !== undefined
        ? [{ load: null, phases: null }]
        : grid.loads.map((load) => ({ load, phases: null }));
  const cells: SweepCell[] = [];
  for (const seed of grid.seeds) {
    for (const w of workloads) {
      for (const variant of grid.variants ?? [undefined]) {
        for (const backend of grid.backends) {
          const parts = [w.load !== null ? `load=${w.load}` : w.phases !== null ? `phases=${w.phases}` : null, ...Object.entries(variant ?? {}).map(([flag, v]) => `${flag}=${v}`)];
          const what = parts.filter((p) => p !== null).join(" ");
          cells.push({ index: cells.length, ...w, backend, seed, ...(variant ? { options: variant } : {}), label: grid.seeds.length > 1 ? `${what} seed=${seed}` : what });
        }
      }
    }
  }
  return cells;
}

/** Parses "0.5:1.2:0.1" (from:to:step) or "0.5,0.7,0.9" into loads; throws a one-line message. */
export function parseLoads(text: string): number[] {
  const range = /^\s*([\d.]+)\s*:\s*([\d.]+)\s*:\s*([\d.]+)\s*$/.exec(text);
  if (range) {
    const [from, to, step] = [Number(range[1]), Number(range[2]), Number(range[3])];
    if (!(step > 0) || !(to >= from)) throw new Error(`bad load range "${text}": expected from:to:step with to ≥ from and step > 0`);
    const loads: number[] = [];
    // Decimal steps accumulate binary error; round to the step's own precision.
    const digits = Math.min(10, (String(step).split(".")[1] ?? "").length + (String(from).split(".")[1] ?? "").length);
    for (let i = 0; from + i * step <= to + step * 1e-9; i++) loads.push(Number((from + i * step).toFixed(digits)));
    return loads;
  }
  const loads = text.split(",").map((s) => Number(s.trim()));
  if (loads.length === 0 || loads.some((l) => !(l > 0))) throw new Error(`bad loads "${text}": expected positive numbers like 0.5,0.7,0.9 or a range 0.5:1.2:0.1`);
  return loads;
}

export function parseSeeds(text: string): number[] {
  const seeds = text.split(",").map((s) => Number(s.trim()));
  if (seeds.some((s) => !Number.isInteger(s) || s < 0)) throw new Error(`bad seeds "${text}": expected non-negative integers like 1,2,3`);
  return seeds;
}
