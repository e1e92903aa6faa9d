/**
 * Trace-reader benchmark: arrivals generated per second and peak RSS.
 *
 *   npx tsx bench/traces.bench.ts            # all cases, each in its own child process
 *   npx tsx bench/traces.bench.ts --quick    # smaller synthetic days
 *
 * Cases: the bundled 500-function real sample, then SYNTHETIC day files in the Azure 2019
 * release layout that this script writes to a temp dir (never mistaken for real data: ids are
 * "synthetic-…"). The synthetic days grow in functions and in invocations; peak RSS should stay
 * flat because the reader never materialises the invocations and spills the minute transpose to
 * disk past a fixed budget. Each case runs in a fresh process so its peak RSS is its own.
 */
import { fork } from "node:child_process";
import { createWriteStream, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { readAzure2019 } from "../traces/azure2019/azure2019-trace.ts";
import { withRealTraceDefaults } from "../traces/real-trace-options.ts";
import { SeededRandom } from "../traces/seeded-random.ts";

interface CaseResult {
  readonly name: string;
  readonly fileMb: number;
  readonly functions: number;
  readonly invocations: number;
  readonly setupS: number;
  readonly streamS: number;
  readonly arrivalsPerS: number;
  readonly peakRssMb: number;
}

interface SyntheticDay {
  readonly functions: number;
  /** Multiplies every per-minute rate: the same functions, more invocations. */
  readonly rateScale: number;
}

const sample500 = fileURLToPath(new URL("../traces/samples/invitro-sampler-azure2019-500fn", import.meta.url));

async function runCase(name: string, dir: string, functions: number): Promise<CaseResult> {
  const t0 = performance.now();
  const source = await readAzure2019(dir, withRealTraceDefaults({ seed: 1 }));
  const t1 = performance.now();
  let n = 0;
  let checksum = 0;
  for await (const batch of source.open()) {
    n += batch.length;
    checksum += batch[batch.length - 1]!.workMs;
  }
  const t2 = performance.now();
  if (!(checksum >= 0) || n !== source.expectedInvocations) throw new Error(`stream ended after ${n} of ${source.expectedInvocations}`);
  const fileBytes = ["invocations.csv", "invocations_per_function_md.anon.d01.csv"]
    .map((f) => {
      try {
        return statSync(join(dir, f)).size;
      } catch {
        return 0;
      }
    })
    .reduce((a, b) => a + b, 0);
  return {
    name,
    fileMb: fileBytes / 1e6,
    functions,
    invocations: n,
    setupS: (t1 - t0) / 1000,
    streamS: (t2 - t1) / 1000,
    arrivalsPerS: n / ((t2 - t1) / 1000),
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

/**
 * Writes a synthetic day in the release layout. Per-function rates are log-uniform from one a
 * day to 2 a minute, so most cells are zero or small and a few functions are busy, roughly
 * the sparsity of the real trace; durations and memory percentiles are monotone by construction.
 */
async function writeSyntheticDay(dir: string, day: SyntheticDay): Promise<void> {
  const rng = SeededRandom.forPurpose(1, "bench-synthetic-day");
  const triggers = ["http", "timer", "queue", "event", "storage", "orchestration", "others"];
  const inv = createWriteStream(join(dir, "invocations_per_function_md.anon.d01.csv"));
  const dur = createWriteStream(join(dir, "function_durations_percentiles.anon.d01.csv"));
  const mem = createWriteStream(join(dir, "app_memory_percentiles.anon.d01.csv"));
  const write = async (stream: NodeJS.WritableStream, text: string): Promise<void> => {
    if (!stream.write(text)) await new Promise((resolve) => stream.once("drain", resolve));
  };
  await write(inv, `HashOwner,HashApp,HashFunction,Trigger,${Array.from({ length: 1440 }, (_, i) => i + 1).join(",")}\n`);
  await write(dur, "HashOwner,HashApp,HashFunction,Average,Count,Minimum,Maximum,percentile_Average_0,percentile_Average_1,percentile_Average_25,percentile_Average_50,percentile_Average_75,percentile_Average_99,percentile_Average_100\n");
  await write(mem, "HashOwner,HashApp,SampleCount,AverageAllocatedMb,AverageAllocatedMb_pct1,AverageAllocatedMb_pct5,AverageAllocatedMb_pct25,AverageAllocatedMb_pct50,AverageAllocatedMb_pct75,AverageAllocatedMb_pct95,AverageAllocatedMb_pct99,AverageAllocatedMb_pct100\n");
  const cells = new Array<number>(1440);
  for (let f = 0; f < day.functions; f++) {
    const owner = `synthetic-owner-${f >> 3}`;
    const app = `synthetic-app-${f >> 1}`;
    const perMinute = day.rateScale * Math.exp(Math.log(1 / 1440) + rng.next() * Math.log(2 * 1440));
    let carry = rng.next();
    for (let m = 0; m < 1440; m++) {
      carry += perMinute;
      cells[m] = Math.floor(carry);
      carry -= cells[m]!;
    }
    await write(inv, `${owner},${app},synthetic-fn-${f},${triggers[f % triggers.length]},${cells.join(",")}\n`);
    const p50 = Math.round(10 + rng.next() * 990);
    await write(dur, `${owner},${app},synthetic-fn-${f},${p50},1000,0.0,${p50 * 20}.0,0,${p50 >> 3},${p50 >> 1},${p50},${p50 * 2},${p50 * 10},${p50 * 20}\n`);
    if (f % 2 === 0) {
      const mb = Math.round(100 + rng.next() * 200);
      await write(mem, `${owner},${app},1000,${mb},${mb - 40},${mb - 30},${mb - 10},${mb},${mb + 10},${mb + 30},${mb + 40},${mb + 80}\n`);
    }
  }
  await Promise.all([inv, dur, mem].map((s) => new Promise((resolve) => s.end(resolve))));
}

async function child(kind: string, functions: number, rateScale: number): Promise<CaseResult> {
  if (kind === "sample500") return runCase("real sample, 500 functions, 480 min", sample500, 500);
  const dir = mkdtempSync(join(tmpdir(), "xxbench-bench-day-"));
  try {
    await writeSyntheticDay(dir, { functions, rateScale });
    return await runCase(`SYNTHETIC day, ${functions} functions, rate x${rateScale}`, dir, functions);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function inChildProcess(args: string[]): Promise<CaseResult> {
  return new Promise((resolve, reject) => {
    const p = fork(fileURLToPath(import.meta.url), ["--child", ...args], { stdio: ["inherit", "inherit", "inherit", "ipc"] });
    p.once("message", (m) => resolve(m as CaseResult));
    p.once("exit", (code) => (code === 0 ? undefined : reject(new Error(`case ${args.join(" ")} exited with ${code}`))));
  });
}

const argv = process.argv.slice(2);
if (argv[0] === "--child") {
  const result = await child(argv[1]!, Number(argv[2]), Number(argv[3]));
  process.send!(result, () => process.exit(0));
} else {
  const quick = argv.includes("--quick");
  const full = 46_412; // functions in the release's d01 (third-party count, FORMATS.md §1.1)
  const cases: string[][] = [
    ["sample500", "0", "0"],
    ["day", String(quick ? 2_000 : Math.round(full / 4)), "1"],
    ["day", String(quick ? 8_000 : full), "1"],
    ["day", String(quick ? 8_000 : full), "3"],
  ];
  console.log("case                                          file MB   functions   invocations  setup s  stream s   arrivals/s  peak RSS MB");
  for (const c of cases) {
    const r = await inChildProcess(c);
    console.log(
      `${r.name.padEnd(44)}${r.fileMb.toFixed(1).padStart(9)}${String(r.functions).padStart(12)}${r.invocations.toLocaleString("en-US").padStart(14)}` +
        `${r.setupS.toFixed(1).padStart(9)}${r.streamS.toFixed(1).padStart(10)}${Math.round(r.arrivalsPerS).toLocaleString("en-US").padStart(13)}${r.peakRssMb.toFixed(0).padStart(13)}`,
    );
  }
}
