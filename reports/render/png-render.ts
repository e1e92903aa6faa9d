import { Resvg } from "@resvg/resvg-js";

/** The face the PNGs use: Debian's default sans, present wherever chromium is installed. */
const sansFamily = "DejaVu Sans";

/** SVG → PNG at twice the SVG's size, so the README figures stay sharp on high-density screens. */
export function renderPng(svg: string): Buffer {
  const resvg = new Resvg(svg, {
    fitTo: { mode: "zoom", value: 2 },
    background: "white",
    font: { loadSystemFonts: true, defaultFontFamily: sansFamily, sansSerifFamily: sansFamily },
  });
  return resvg.render().asPng();
}
