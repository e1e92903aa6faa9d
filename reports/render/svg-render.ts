import { parse, resetSVGDefIds, View } from "vega";
import { compile, type TopLevelSpec } from "vega-lite";

/**
 * vega-lite → vega → SVG in Node, with no browser and no canvas: a headless View measures text
 * by estimate, which is close enough for axis layout and needs no native module.
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  // vega numbers clip paths and gradients from a process-wide counter; restarting it per chart
  // makes each SVG's bytes depend on its spec alone, not on what was rendered before it.
  resetSVGDefIds();
  const view = new View(parse(compile(spec).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
