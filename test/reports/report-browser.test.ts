import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { describe, expect, it } from "vitest";
import { useTempDirs } from "../support/temp-dir.ts";
import { chartIds, replayInto, reportInto } from "./support/report-store.ts";

const tempDir = useTempDirs();

/** Debian's chromium (npm test's pretest installs it) or CHROMIUM_PATH, never a downloaded browser; launch() gives it a fresh profile. */
const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const screenshot = join(process.cwd(), "test-results", "report-screenshot.png");

describe("the report in a real browser", () => {
  it("renders every chart offline, with no console error and no request leaving the file", async () => {
    const dir = tempDir();
    const db = join(dir, "b.duckdb");
    const out = join(dir, "out");
    await replayInto(db);
    expect((await reportInto(db, out)).code).toBe(0);
    const index = pathToFileURL(join(out, "index.html")).href;

    const browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const problems: string[] = [];
      const requests: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
      });
      page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
      page.on("request", (r) => requests.push(r.url()));
      await page.goto(index);
      await page.waitForSelector("body[data-rendered]", { timeout: 60_000 });

      expect(await page.getAttribute("body", "data-errors")).toBe("");
      expect(await page.getAttribute("body", "data-rendered")).toBe(String(chartIds.length));
      for (const id of chartIds) {
        // vega-embed draws each chart as an SVG with marks in it: an empty <svg> would be a failed render.
        const marks = await page.locator(`#vis-${id} svg .mark-text, #vis-${id} svg .mark-line, #vis-${id} svg .mark-rect, #vis-${id} svg .mark-symbol, #vis-${id} svg .mark-rule`).count();
        expect(marks, id).toBeGreaterThan(0);
      }
      expect(problems).toEqual([]);
      expect(requests).toEqual([index]);
      mkdirSync(join(process.cwd(), "test-results"), { recursive: true });
      await page.screenshot({ path: screenshot, fullPage: true });
    } finally {
      await browser.close();
    }
  });
});
