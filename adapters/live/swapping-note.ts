import { readFileSync } from "node:fs";

/**
 * What the plane does about price-class swapping, said at start-up and stored with every live run
 * (the cluster config is in the run's config): the agents never pretend to swap.
 */
export function swappingNote(): string {
  let swapKb = 0;
  try {
    swapKb = Number(/^SwapTotal:\s+(\d+)/m.exec(readFileSync("/proc/meminfo", "utf8"))?.[1] ?? 0);
  } catch {
    // not Linux: no swap we could use
  }
  return swapKb > 0
    ? `not performed: the agents do not move stopped functions' pages out yet (this machine has ${Math.round(swapKb / 1024)} MB of swap); memory pressure kills the lowest class's newest function`
    : "not available: this machine has no swap; memory pressure kills the lowest class's newest function";
}
