import { readAzure2019 } from "./azure2019/azure2019-trace.ts";
import { readAzure2021 } from "./azure2021/azure2021-trace.ts";
import type { TraceSource } from "./invocation.ts";
import { validateRealTraceOptions, type RealTraceOptions } from "./real-trace-options.ts";
import { TraceOptionError } from "./trace-option-error.ts";

export {
  parseRealTraceOptions,
  realTraceDefaults,
  realTraceOptionDefinitions,
  withRealTraceDefaults,
  type RealTraceOptions,
  type TraceOptionDefinition,
} from "./real-trace-options.ts";
export type { TraceReadReport } from "./azure2019/azure2019-trace.ts";
export { TraceFormatError } from "./trace-format-error.ts";
export { TraceOptionError, isTraceUserError } from "./trace-option-error.ts";

/** Real-trace readers by spec prefix; `synthetic` is the CLI's own. */
const readers = {
  azure2019: readAzure2019,
  azure2021: readAzure2021,
} satisfies Record<string, (path: string, options: RealTraceOptions) => Promise<TraceSource>>;

export const realTracePrefixes = Object.keys(readers);

/**
 * Opens `azure2019:<dir>` or `azure2021:<file>` with the transforms the options ask for.
 *
 * The returned source's `spec` holds everything the run manifest needs: files, policies
 * (missing stats, bad rows, trigger classes), every transform with the distances it produced,
 * and `spec.read` — a `TraceReadReport` whose `skippedRows` both readers fill while the promise
 * is pending (each checks every row before resolving), so it is final once this resolves and
 * `spec.read.complete` is true. The object is shared, not copied: a manifest writer can
 * serialise `spec` at any time after this resolves.
 *
 * Throws `TraceOptionError` (bad spec/options/missing files) or `TraceFormatError` (bad data
 * under --on-bad-row stop); both have one-line messages for the CLI.
 */
export async function openTraceSpec(spec: string, options: RealTraceOptions): Promise<TraceSource> {
  const colon = spec.indexOf(":");
  const prefix = colon < 0 ? spec : spec.slice(0, colon);
  const path = colon < 0 ? "" : spec.slice(colon + 1);
  if (!Object.hasOwn(readers, prefix)) {
    throw new TraceOptionError(`unknown trace "${spec}": expected ${realTracePrefixes.map((p) => `${p}:<path>`).join(" or ")}`);
  }
  if (path === "") throw new TraceOptionError(`trace "${spec}" names no path, e.g. ${prefix}:traces/samples/…`);
  const errors = validateRealTraceOptions(options);
  if (errors.length > 0) throw new TraceOptionError(errors.join("; "));
  return readers[prefix as keyof typeof readers](path, options);
}
