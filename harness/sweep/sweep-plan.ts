import { simFlagConfigKeys, simOptions } from "../cli/options/sim-options.ts";
import { backendAppliesSimConfigKey } from "../backends/sim-config-applicability.ts";
import { syntheticOptions } from "../cli/options/synthetic-options.ts";
import { parseLoads, parseSeeds, sweepCells, type SweepCell, type SweepGrid } from "./sweep-grid.ts";
import { sweepPresets, type SweepPreset, type SweepPresetName } from "./sweep-presets.ts";
import type { SweepRunArgs } from "./sweep-protocol.ts";

export interface SweepPlan {
  readonly name: string;
  readonly grid: SweepGrid;
  readonly cells: readonly SweepCell[];
  readonly args: SweepRunArgs;
}

export interface SweepPlanInput {
  readonly args: SweepRunArgs;
  readonly preset?: SweepPresetName;
  readonly name?: string;
  readonly loads?: string;
  readonly seeds?: string;
  readonly backends?: readonly string[];
}

/** Grid and workload from a preset, then the command line's own flags over it. Throws plain Errors for bad lists. */
export function planSweep(input: SweepPlanInput): SweepPlan {
  const preset: SweepPreset | undefined = input.preset !== undefined ? sweepPresets[input.preset] : undefined;
  const args = { ...input.args, ...(preset?.options ?? {}) } as SweepRunArgs;
  const phases = input.args.phases ?? (input.loads === undefined && input.args.load === undefined ? preset?.grid.phases : undefined);
  const loads = phases !== undefined ? [] : input.loads !== undefined ? parseLoads(input.loads) : input.args.load !== undefined ? [input.args.load] : (preset?.grid.loads ?? parseLoads("0.5:1.2:0.1"));
  const grid: SweepGrid = {
    loads,
    ...(phases !== undefined ? { phases } : {}),
    ...(preset?.grid.variants !== undefined && input.loads === undefined && input.args.load === undefined && phases === undefined ? { variants: preset.grid.variants } : {}),
    backends: input.backends && input.backends.length > 0 ? input.backends : (preset?.grid.backends ?? ["sim:xx", "sim:hermod", "sim:edf"]),
    seeds: input.seeds !== undefined ? parseSeeds(input.seeds) : (preset?.grid.seeds ?? [1]),
  };
  return { name: input.name ?? input.preset ?? "sweep", grid, cells: sweepCells(grid), args: { ...args, load: undefined, phases: undefined } };
}

/**
 * The single `xxbench replay` command that reproduces one cell, every workload and cluster
 * option spelled out (defaults included), so the manifest does not depend on this version's defaults.
 */
export function replayCommandFor(plan: SweepPlan, cell: SweepCell): string[] {
  const command = ["replay", "--backend", cell.backend, "--seed", String(cell.seed)];
  if (cell.load !== null) command.push("--load", String(cell.load));
  if (cell.phases !== null) command.push("--phases", cell.phases);
  const args = { ...(plan.args as unknown as Record<string, unknown>), ...cell.options };
  for (const key of [...Object.keys(simOptions), ...Object.keys(syntheticOptions)].sort()) {
    if (key === "load" || key === "phases") continue;
    // replay refuses a cluster option the cell's backend does not apply.
    if (Object.hasOwn(simFlagConfigKeys, key) && !backendAppliesSimConfigKey(cell.backend, simFlagConfigKeys[key as keyof typeof simFlagConfigKeys])) continue;
    const value = args[key];
    if (value === undefined || value === null) continue;
    if (typeof value === "boolean") command.push(value ? `--${key}` : `--no-${key}`);
    else if (Array.isArray(value)) for (const v of value) command.push(`--${key}`, String(v));
    else command.push(`--${key}`, String(value));
  }
  return command;
}
