import type { SectionName } from "./build-report.ts";

/** What a figure preset reports: the runs of its sweep, the sections that make the figure. */
export interface ReportPreset {
  readonly sweep: string;
  readonly title: string;
  readonly sections: readonly SectionName[];
  /** The chart that is the figure (copied to docs/figures for the README). */
  readonly figure: string;
}

export const reportPresets = {
  fig3: { sweep: "fig3", title: "xxbench: the seeds' Figure 3 (load spike)", sections: ["tailOverTime", "percentiles", "paired"], figure: "tail-over-time" },
  fig4: { sweep: "fig4", title: "xxbench: the seeds' Figure 4 (load sweep)", sections: ["loadSweep", "percentiles"], figure: "load-sweep" },
  mu: { sweep: "mu", title: "xxbench: seed 004's Figures 2–4 (μ vs conventional FaaS)", sections: ["mu"], figure: "mu-cost" },
} satisfies Record<string, ReportPreset>;

export type ReportPresetName = keyof typeof reportPresets;
