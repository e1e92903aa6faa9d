import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { useTempDirs } from "../support/temp-dir.ts";
import { chartIds, replayInto, reportInto } from "./support/report-store.ts";
import { simAndNetworkStore } from "./support/sim-and-network-store.ts";

const tempDir = useTempDirs();

/** Debian's chromium (npm test's pretest installs it) or CHROMIUM_PATH, never a downloaded browser; launch() gives it a fresh profile. */
const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const screenshotDir = join(process.cwd(), "test-results");

interface Rendered {
  readonly problems: readonly string[];
  readonly requests: readonly string[];
  readonly rendered: string | null;
  readonly errors: string | null;
  /** Drawn marks per chart id: an empty <svg> would be a failed render. */
  readonly marks: ReadonlyMap<string, number>;
  readonly text: string;
}

/** Opens the report's page in headless Chromium, waits for every chart, and reads what it drew and logged. */
async function renderInBrowser(index: string, ids: readonly string[], screenshot: string): Promise<Rendered> {
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    const page: Page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    const requests: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("request", (r) => requests.push(r.url()));
    await page.goto(index);
    await page.waitForSelector("body[data-rendered]", { timeout: 60_000 });
    const marks = new Map<string, number>();
    for (const id of ids) {
      marks.set(id, await page.locator(`#vis-${id} svg .mark-text, #vis-${id} svg .mark-line, #vis-${id} svg .mark-rect, #vis-${id} svg .mark-symbol, #vis-${id} svg .mark-rule`).count());
    }
    mkdirSync(screenshotDir, { recursive: true });
    await page.screenshot({ path: join(screenshotDir, screenshot), fullPage: true });
    return {
      problems,
      requests,
      rendered: await page.getAttribute("body", "data-rendered"),
      errors: await page.getAttribute("body", "data-errors"),
      marks,
      text: await page.innerText("body"),
    };
  } finally {
    await browser.close();
  }
}

describe("the report in a real browser", () => {
  it("renders every chart offline, with no console error and no request leaving the file", async () => {
    const dir = tempDir();
    const db = join(dir, "b.duckdb");
    const out = join(dir, "out");
    await replayInto(db);
    expect((await reportInto(db, out)).code).toBe(0);
    const index = pathToFileURL(join(out, "index.html")).href;
    const r = await renderInBrowser(index, chartIds, "report-screenshot.png");
    expect(r.errors).toBe("");
    expect(r.rendered).toBe(String(chartIds.length));
    for (const id of chartIds) expect(r.marks.get(id), id).toBeGreaterThan(0);
    expect(r.problems).toEqual([]);
    expect(r.requests).toEqual([index]);
  });

  it("renders a report with stand-in rows for a degraded network run (hand-written) beside a simulator run: fidelity charts drawn, no console error", async () => {
    const dir = tempDir();
    const db = join(dir, "n.duckdb");
    const out = join(dir, "out");
    const { simRun, networkRun } = await simAndNetworkStore(db);
    expect((await reportInto(db, out, ["--runs", String(simRun), String(networkRun)])).code).toBe(0);
    const index = pathToFileURL(join(out, "index.html")).href;
    const ids = [...chartIds, "sending-table", "lateness-cdf", "send-rate"];
    const r = await renderInBrowser(index, ids, "report-network-screenshot.png");
    expect(r.errors).toBe("");
    expect(r.rendered).toBe(String(ids.length));
    for (const id of ids) expect(r.marks.get(id), id).toBeGreaterThan(0);
    expect(r.problems).toEqual([]);
    expect(r.requests).toEqual([index]);
    expect(r.text).toContain("DEGRADED: p99 lateness");
    expect(r.text).toContain("Send lateness CDF");
  });
});
