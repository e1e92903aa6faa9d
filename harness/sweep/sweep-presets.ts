import type { SweepGrid } from "./sweep-grid.ts";

/** A named sweep that regenerates one of the seeds' figures. */
export interface SweepPreset {
  readonly describe: string;
  readonly grid: SweepGrid;
  /** Workload options that differ from the defaults. */
  readonly options: Readonly<Record<string, number | string>>;
}

export const sweepPresets = {
  fig3: {
    describe: "the seeds' Figure 3: load 0.7, raised to 1.3 at tick 50, back to 0.7 at tick 80 (120 s), through xx, hermod, edf",
    grid: { loads: [], phases: "0:0.7,50:1.3,80:0.7", backends: ["sim:xx", "sim:hermod", "sim:edf"], seeds: [1] },
    options: { "duration-s": 120 },
  },
  fig4: {
    describe: "the seeds' Figure 4: constant loads 0.5 to 1.2 in steps of 0.1 (60 s each) through xx, hermod, edf",
    grid: { loads: [0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.1, 1.2], backends: ["sim:xx", "sim:hermod", "sim:edf"], seeds: [1] },
    options: { "duration-s": 60 },
  },
} satisfies Record<string, SweepPreset>;

export type SweepPresetName = keyof typeof sweepPresets;

export function isSweepPreset(name: string): name is SweepPresetName {
  return Object.hasOwn(sweepPresets, name);
}
