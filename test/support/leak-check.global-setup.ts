import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";

/*
 * Vitest globalSetup: the run fails if a test leaves a file or a process behind.
 *
 * Every worker (and every CLI or browser a test spawns) inherits a private TMPDIR made here, so
 * os.tmpdir() in tests points into it and what is left there afterwards is exactly what this run
 * leaked, whatever other runs on the machine are doing in the shared temp folder. Each process of
 * the run also inherits a marker variable, so a process still alive at the end (even one orphaned
 * by its exited worker) is found in /proc by its environment.
 */

/** Caches that tools keep in the temp folder on purpose and reuse: not a test's leftovers. */
const toolCaches = [/^tsx-\d+$/];

const runMarker = "XXBENCH_TEST_RUN";

/** Pids of processes that carry this run's marker, other than vitest itself and its workers. */
function strayProcesses(marker: string): string[] {
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((p) => /^\d+$/.test(p));
  } catch {
    return []; // no /proc (not Linux): the file check still runs.
  }
  const stray: string[] = [];
  for (const pid of pids) {
    if (Number(pid) === process.pid) continue;
    try {
      const env = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
      if (!env.includes(`${runMarker}=${marker}`)) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const [state, ppid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const cmd = commandLine(pid);
      // Vitest's own pool workers are this process's children; zombies are already gone.
      if (state === "Z" || (Number(ppid) === process.pid && cmd.includes("vitest"))) continue;
      stray.push(pid);
    } catch {
      // The process ended while we looked, or is not ours to read.
    }
  }
  return stray;
}

function commandLine(pid: string): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim().slice(0, 160);
  } catch {
    return "(ended)";
  }
}

export default function setup(): () => Promise<void> {
  const sharedTemp = tmpdir();
  const runTemp = mkdtempSync(join(sharedTemp, "xxbench-test-run-"));
  const marker = runTemp.slice(runTemp.lastIndexOf("-") + 1);
  // tsx keeps its compile cache in the temp folder as tsx-<uid>: linking the shared one in keeps
  // each spawned CLI as warm as before (rmSync removes the link, not the cache).
  try {
    const tsxCache = `tsx-${userInfo().uid}`;
    mkdirSync(join(sharedTemp, tsxCache), { recursive: true });
    symlinkSync(join(sharedTemp, tsxCache), join(runTemp, tsxCache), "dir");
  } catch {
    // Without the link tsx builds a cache inside the run's folder: slower, not wrong.
  }
  const saved = { TMPDIR: process.env.TMPDIR, marker: process.env[runMarker] };
  process.env.TMPDIR = runTemp;
  process.env[runMarker] = marker;

  return async () => {
    process.env.TMPDIR = saved.TMPDIR;
    if (saved.TMPDIR === undefined) delete process.env.TMPDIR;
    process.env[runMarker] = saved.marker;
    if (saved.marker === undefined) delete process.env[runMarker];

    const leftovers = readdirSync(runTemp).filter((name) => !toolCaches.some((cache) => cache.test(name)));
    // A process killed by a test's cleanup may take a moment to exit.
    let stray = strayProcesses(marker);
    for (let wait = 0; stray.length > 0 && wait < 20; wait++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      stray = strayProcesses(marker);
    }
    // The run's temp folder goes either way: a leak is reported once, not kept on the machine.
    rmSync(runTemp, { recursive: true, force: true });

    const problems: string[] = [];
    if (leftovers.length > 0) {
      const byPrefix = new Map<string, number>();
      for (const name of leftovers) {
        const prefix = name.replace(/[A-Za-z0-9]{6}$/, "*");
        byPrefix.set(prefix, (byPrefix.get(prefix) ?? 0) + 1);
      }
      const listed = [...byPrefix].map(([prefix, n]) => (n > 1 ? `${prefix} ×${n}` : prefix)).join(", ");
      problems.push(`tests left ${leftovers.length} entries in the temp folder (now removed): ${listed}`);
    }
    if (stray.length > 0) {
      problems.push(`tests left ${stray.length} processes running (now killed):\n  ${stray.map((pid) => `pid ${pid}: ${commandLine(pid)}`).join("\n  ")}`);
      for (const pid of stray) {
        try {
          process.kill(Number(pid), "SIGKILL");
        } catch {
          // Already gone.
        }
      }
    }
    if (problems.length > 0) {
      // Vitest logs an error thrown here but would still exit 0.
      process.exitCode = 1;
      throw new Error(`${problems.join("\n")}\nEvery test removes what it creates (test/support/temp-dir.ts) and ends what it starts.`);
    }
  };
}
