import type { TopLevelSpec } from "vega-lite";
import { chartConfig, vegaLiteSchema } from "./chart-style.ts";

/**
 * A panel that says plainly why there is nothing to plot, so a missing figure is never mistaken
 * for a figure of zeros, and every panel still has its SVG and PNG.
 */
export function noDataChart(title: string, message: string): TopLevelSpec {
  const lines = wrapWords(message, 88);
  return {
    $schema: vegaLiteSchema,
    title: { text: title },
    config: { ...chartConfig, view: { stroke: null } },
    width: 520,
    height: 18 * lines.length + 8,
    data: { values: [{ message: lines.join("\n") }] },
    mark: { type: "text", align: "left", baseline: "top", fontSize: 13, color: "#555", lineBreak: "\n", lineHeight: 18 },
    encoding: { text: { field: "message", type: "nominal" }, x: { value: 0 }, y: { value: 4 } },
  };
}

/** Greedy word wrap: the message must read whole in the PNG, where nothing can be hovered. */
function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  if (line !== "") lines.push(line);
  return lines;
}
