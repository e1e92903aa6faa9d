/**
 * Processor sharing on a machine (Hermod's machine scheduler): n functions on c cores each run
 * at min(1, c/n) of a core.
 */
export function processorShare(functions: number, cores: number): number {
  return functions <= cores ? 1 : cores / functions;
}
