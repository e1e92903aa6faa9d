import { readFileSync } from "node:fs";

/**
 * What the plane does about price-class swapping, said at start-up and stored with every live run
 * (the cluster config is in the run's config): the agents never pretend to swap.
 */
export function swappingNote(swapMbPerMachine: number): string {
  const boxMb = boxSwapMb();
  if (swapMbPerMachine > 0 && boxMb > 0) {
    return `performed: up to ${swapMbPerMachine} MB per machine of stopped low-class functions' pages pushed to this box's ${boxMb} MB of swap (process_madvise MADV_PAGEOUT), read back before they resume; past that, kills`;
  }
  return boxMb > 0
    ? `not performed: no --swap-mb given (this box has ${boxMb} MB of swap); memory pressure kills the lowest class's newest function`
    : "not available: this machine has no swap; memory pressure kills the lowest class's newest function";
}

/** Swap configured on this box, MB (/proc/meminfo SwapTotal); 0 when none or not Linux. */
export function boxSwapMb(): number {
  try {
    return Math.round(Number(/^SwapTotal:\s+(\d+)/m.exec(readFileSync("/proc/meminfo", "utf8"))?.[1] ?? 0) / 1024);
  } catch {
    return 0;
  }
}
