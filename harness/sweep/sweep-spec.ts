import { randomUUID } from "node:crypto";
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { simOptions } from "../cli/options/sim-options.ts";
import { syntheticOptions } from "../cli/options/synthetic-options.ts";
import type { SweepCell } from "./sweep-grid.ts";
import type { SweepPlan } from "./sweep-plan.ts";
import type { SweepRunArgs } from "./sweep-protocol.ts";

/**
 * A sweep written down for an engine that runs its cells elsewhere (SLURM array tasks, Kubernetes
 * Indexed Job pods): `xxbench sweep cell --grid FILE --index N` needs nothing else to run cell N.
 * The sweep id tells this submission's runs from another sweep of the same name in one store; a
 * resubmission (`sweep resume`) keeps it, so its cells complete the same sweep.
 */
export interface SweepSpec {
  readonly format: typeof sweepSpecFormat;
  readonly name: string;
  readonly sweepId: string;
  readonly createdAt: string;
  /** The figure preset the sweep was started with (`--preset fig4`): its report uses the preset's sections. */
  readonly preset?: string;
  /** Workload and cluster options every cell shares, defaults filled in. */
  readonly args: SweepRunArgs;
  readonly cells: readonly SweepCell[];
  /** Per cell, the `xxbench replay` command line that reproduces it (kept in its run's manifest). */
  readonly commands: readonly (readonly string[])[];
  /** How the engine was asked to run it, so `sweep resume` submits the same way. */
  readonly engine: SweepEngineSettings;
}

export const sweepSpecFormat = "xxbench-sweep/1";

export type SweepEngineSettings =
  | {
      readonly kind: "slurm";
      readonly partition?: string;
      readonly time?: string;
      readonly cpusPerTask: number;
      /** Array tasks at once (`--array=…%N`); absent: as many as SLURM allows. */
      readonly maxParallel?: number;
      readonly sbatchOptions: readonly string[];
      /** Lines run before each cell, e.g. `module load nodejs/20`. */
      readonly prelude: string;
      /** Absolute paths on the submitting host; a real cluster must see them at the same paths. */
      readonly node: string;
      readonly cli: string;
    }
  | { readonly kind: "k8s"; readonly image: string; readonly volumeClaim: string; readonly parallelism: number; readonly cpusPerTask: number };

/** The workload and cluster options a cell needs, and nothing else the command line carried. */
export function cellArgs(args: SweepRunArgs): SweepRunArgs {
  const keys = new Set([...Object.keys(simOptions), ...Object.keys(syntheticOptions)]);
  return Object.fromEntries(Object.entries(args).filter(([key, value]) => keys.has(key) && value !== undefined)) as unknown as SweepRunArgs;
}

export function newSweepSpec(plan: SweepPlan, commandFor: (cell: SweepCell) => readonly string[], engine: SweepEngineSettings, preset?: string): SweepSpec {
  return {
    format: sweepSpecFormat,
    name: plan.name,
    ...(preset !== undefined ? { preset } : {}),
    sweepId: randomUUID(),
    createdAt: new Date().toISOString(),
    args: cellArgs(plan.args),
    cells: plan.cells,
    commands: plan.cells.map(commandFor),
    engine,
  };
}

/** Written whole under a temporary name and renamed, so a reader on a shared filesystem never sees half a file. */
export function writeSweepSpec(file: string, spec: SweepSpec): void {
  const partial = `${file}.partial-${process.pid}`;
  writeFileSync(partial, `${JSON.stringify(spec, null, 2)}\n`);
  renameSync(partial, file);
}

/** Reads and checks a grid file; every way it can be wrong is one line naming the file. */
export function readSweepSpec(file: string): SweepSpec {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new Error(`cannot read the sweep grid ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let spec: Partial<SweepSpec>;
  try {
    spec = JSON.parse(text) as Partial<SweepSpec>;
  } catch {
    throw new Error(`${file} is not JSON: not a sweep grid written by xxbench sweep`);
  }
  if (spec.format !== sweepSpecFormat) throw new Error(`${file} is not a sweep grid of format ${sweepSpecFormat} (format: ${String(spec.format)})`);
  const cells = spec.cells;
  if (!Array.isArray(cells) || cells.length === 0 || !Array.isArray(spec.commands) || spec.commands.length !== cells.length) {
    throw new Error(`${file}: the grid must list its cells and one command per cell`);
  }
  if (cells.some((c, i) => c.index !== i)) throw new Error(`${file}: cell indices must run 0…${cells.length - 1} in order`);
  if (typeof spec.sweepId !== "string" || typeof spec.name !== "string" || spec.args === undefined || spec.engine === undefined) {
    throw new Error(`${file}: the grid lacks its name, sweep id, options or engine`);
  }
  return spec as SweepSpec;
}
