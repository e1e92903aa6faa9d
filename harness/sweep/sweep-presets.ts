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
  mu: {
    // Seed 004 §4.1: 100 thumbnailer invocations, at most 8 concurrent, at each size of its Table 1,
    // μ against conventional FaaS. The paper gives no per-task time; 1 s (lognormal, σ 0.25) for a
    // 3 MB S3 download, a resize to 100 × 100 px and an upload is our assumption. All 100 arrive
    // within 1 ms (--rate 100000); the cap of 8 is on instances in flight (see docs/mu.md).
    describe: "seed 004's Figures 2–4: 100 thumbnailer-like tasks, 8 instances at most, 2048–10240 MB, sim:mu vs sim:faas",
    grid: { loads: [], variants: [2048, 4096, 6144, 8192, 10240].map((mb) => ({ "memory-mb": mb })), backends: ["sim:faas", "sim:mu"], seeds: [1] },
    options: { invocations: 100, rate: "100000", arrivals: "constant", functions: 1, tenants: 1, work: "lognormal", "work-mean-ms": 1000, "work-sd-ms": 0, sigma: 0.25, "mem-max-mb": 256, prices: "1", "concurrency-cap": 8 },
  },
} satisfies Record<string, SweepPreset>;

export type SweepPresetName = keyof typeof sweepPresets;

export function isSweepPreset(name: string): name is SweepPresetName {
  return Object.hasOwn(sweepPresets, name);
}
