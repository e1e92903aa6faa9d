import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useTempDirs } from "../../support/temp-dir.ts";
import { readAzure2021 } from "../../../traces/azure2021/azure2021-trace.ts";
import { withRealTraceDefaults, type RealTraceOptions } from "../../../traces/real-trace-options.ts";
import { TraceFormatError } from "../../../traces/trace-format-error.ts";
import { collect, readTable, sample2021 } from "../support/samples.ts";

const options = (o: Partial<RealTraceOptions> = {}): RealTraceOptions => withRealTraceDefaults(o);
const rows = readTable(sample2021).rows;

const tempDir = useTempDirs();

describe("readAzure2021 on the 998-row head of the 2021 trace", async () => {
  const source = await readAzure2021(sample2021, options({ classes2021: 2, memory2021Mb: 256 }));
  const invocations = await collect(source);

  it("replays every row, in file order (the file is ordered by start), arrival = end − duration", () => {
    expect(invocations.length).toBe(998);
    expect(source.expectedInvocations).toBe(998);
    invocations.forEach((inv, i) => {
      const [app, func, end, duration] = rows[i]!;
      expect(inv.id).toBe(i);
      expect([inv.app, inv.fn, inv.tenant]).toEqual([app, func, app]);
      expect(inv.arrivalMs).toBe((Number(end) - Number(duration)) * 1000);
      expect(inv.workMs).toBe(Number(duration) * 1000);
    });
  });

  it("keeps the 43 zero durations", () => {
    expect(invocations.filter((i) => i.workMs === 0).length).toBe(43);
  });

  it("takes memory and class from the flags (the trace has neither)", () => {
    expect(invocations.every((i) => i.memPeakMb === 256 && i.memStartMb === 256 && i.priceClass === 2 && i.trigger === undefined)).toBe(true);
  });

  it("under 'uniform' gives each function one class, the same for the same seed", async () => {
    const a = await collect(await readAzure2021(sample2021, options({ seed: 3 })));
    const b = await collect(await readAzure2021(sample2021, options({ seed: 3 })));
    const classOf = new Map<string, number>();
    for (const inv of a) {
      const k = `${inv.app}/${inv.fn}`;
      expect(classOf.get(k) ?? inv.priceClass).toBe(inv.priceClass);
      classOf.set(k, inv.priceClass);
    }
    expect(new Set(classOf.values()).size).toBeGreaterThan(1);
    expect(b.map((i) => i.priceClass)).toEqual(a.map((i) => i.priceClass));
  });

  it("cuts a window by start time: minutes 30..59 hold exactly the rows starting in [1800, 3600) s", async () => {
    const windowed = await collect(await readAzure2021(sample2021, options({ fromMinute: 30, minutes: 30 })));
    const expected = rows.map((r) => Number(r[2]) - Number(r[3])).filter((s) => s >= 1800 && s < 3600);
    expect(windowed.map((i) => i.arrivalMs)).toEqual(expected.map((s) => (s - 1800) * 1000));
  });

  it("refuses thumbnails (real per-invocation times) and compresses by time scale", async () => {
    await expect(readAzure2021(sample2021, options({ compress: 2 }))).rejects.toThrow(/--compress-mode scale/);
    const scaled = await collect(await readAzure2021(sample2021, options({ compress: 4, compressMode: "scale" })));
    expect(scaled.map((i) => i.arrivalMs)).toEqual(invocations.map((i) => i.arrivalMs / 4));
  });

  it("stops at a row out of start order beyond the reorder window, with its line", async () => {
    const dir = tempDir();
    const lines = readFileSync(sample2021, "utf8").split("\n");
    // Move data row 500 (line 501) to line 900: it now starts long before the rows around it.
    const moved = lines.splice(500, 1)[0]!;
    lines.splice(899, 0, moved);
    writeFileSync(join(dir, "t.csv"), lines.join("\n"));
    const error = await readAzure2021(join(dir, "t.csv"), options({ reorderWindowS: 60 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TraceFormatError);
    expect((error as TraceFormatError).line).toBe(900);
    // A window wide enough restores the order.
    const tolerant = await collect(await readAzure2021(join(dir, "t.csv"), options({ reorderWindowS: 7200 })));
    expect(tolerant.map((i) => i.arrivalMs)).toEqual(invocations.map((i) => i.arrivalMs));
  });
});
