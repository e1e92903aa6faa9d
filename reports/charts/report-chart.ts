import type { TopLevelSpec } from "vega-lite";

/** One figure of the report: a vega-lite spec plus the words around it on the page. */
export interface ReportChart {
  /** File stem of the SVG and PNG, and the anchor on the page. */
  readonly id: string;
  readonly title: string;
  /** What to read from the figure, or why it is empty. */
  readonly caption: string;
  readonly spec: TopLevelSpec;
}
