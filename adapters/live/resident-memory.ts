import { readFileSync } from "node:fs";

const pageMb = 4096 / (1024 * 1024);

/**
 * Resident memory of the given processes, MB, as the kernel reports it (/proc/PID/statm's
 * resident pages; shared pages such as Node's own code count in every process that maps them).
 * A process that has ended counts 0.
 */
export function residentMb(pids: Iterable<number>): number {
  let total = 0;
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/statm`, "utf8").split(" ");
      total += Number(fields[1]) * pageMb;
    } catch {
      // ended while we looked
    }
  }
  return total;
}

/** MB of `pid`'s memory in swap (/proc/PID/status VmSwap); 0 when it has ended. */
export function swappedMb(pid: number): number {
  try {
    const match = /^VmSwap:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}
