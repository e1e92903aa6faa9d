import type { XxFunctionTable } from "../../../adapters/scheduling/xx-machine.ts";

/**
 * A small XxFunctionTable for driving XX's classes without the simulator, as the live agent
 * will with its own table: function f has class `classes[f]` and memory `memMb[f]`.
 */
export function functionTable(classes: readonly number[], memMb: readonly number[] = classes.map(() => 100)): XxFunctionTable {
  return {
    cls: Int32Array.from(classes),
    mem: Float64Array.from(memMb),
    swapped: new Uint8Array(classes.length),
  };
}
