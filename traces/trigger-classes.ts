import { readFile } from "node:fs/promises";
import { TraceOptionError } from "./trace-option-error.ts";

/** The seven trigger groups of the Azure 2019 trace (FORMATS.md §1.2). */
export const azureTriggers = ["http", "timer", "event", "queue", "storage", "orchestration", "others"] as const;

/** Trigger name → price class (an index into the run's price table, 0 cheapest). */
export type TriggerClassMap = Readonly<Record<string, number>>;

/**
 * The default mapping for a table of `classCount` classes: a user waits on http, so it pays the
 * highest class; orchestration steps sit inside a workflow someone may be waiting on, so the
 * middle (⌊n/2⌋: class 2 of 4); background triggers (timer, queue, event, storage, others) the
 * lowest.
 */
export function defaultTriggerClasses(classCount: number): TriggerClassMap {
  const highest = classCount - 1;
  const middle = Math.min(highest, Math.floor(classCount / 2));
  return { http: highest, orchestration: middle, timer: 0, queue: 0, event: 0, storage: 0, others: 0 };
}

/**
 * Reads a JSON object of trigger → class and lays it over the defaults. A file may also add
 * trigger names the defaults lack; any trigger not in the result is a bad row.
 */
export async function loadTriggerClasses(path: string, classCount: number): Promise<TriggerClassMap> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    throw new TraceOptionError(`trigger classes ${path}: ${(error as Error).message.split("\n")[0]}`);
  }
  return mergeTriggerClasses(defaultTriggerClasses(classCount), parsed, classCount, path);
}

/** Validates an override object and lays it over `base`; errors name every bad entry. */
export function mergeTriggerClasses(base: TriggerClassMap, override: unknown, classCount: number, source: string): TriggerClassMap {
  if (typeof override !== "object" || override === null || Array.isArray(override)) {
    throw new TraceOptionError(`trigger classes ${source}: expected a JSON object of trigger → class, e.g. {"http": 3}`);
  }
  const out: Record<string, number> = { ...base };
  const errors: string[] = [];
  for (const [trigger, cls] of Object.entries(override)) {
    if (typeof cls !== "number" || !Number.isInteger(cls) || cls < 0 || cls >= classCount) {
      errors.push(`"${trigger}": ${JSON.stringify(cls)} is not a class in 0..${classCount - 1}`);
    } else {
      out[trigger] = cls;
    }
  }
  if (errors.length > 0) throw new TraceOptionError(`trigger classes ${source}: ${errors.join("; ")}`);
  return out;
}
