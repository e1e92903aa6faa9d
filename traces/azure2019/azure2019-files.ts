import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { TraceOptionError } from "../trace-option-error.ts";

/** The three files of one Azure 2019 day, as found in a directory. */
export interface Azure2019Files {
  /** "official" for the release's names (…anon.dNN.csv), "excerpt" for invocations/durations/memory.csv. */
  readonly layout: "official" | "excerpt";
  /** The day number dNN (official layout only). */
  readonly day?: number;
  readonly invocations: string;
  readonly durations: string;
  /** Absent for d13 and d14, which the release ships without memory. */
  readonly memory?: string;
}

const officialPattern = /^(invocations_per_function_md|function_durations_percentiles|app_memory_percentiles)\.anon\.d(\d{2})\.csv$/;

/**
 * Finds the files of one day in `dir`: the release's own names (taking `day`, or the lowest day
 * present), else the three-file excerpt layout that In-Vitro and our samples use.
 */
export async function findAzure2019Files(dir: string, day?: number): Promise<Azure2019Files> {
  let names: string[];
  try {
    if (!(await stat(dir)).isDirectory()) throw new TraceOptionError(`azure2019: ${dir} is not a directory`);
    names = await readdir(dir);
  } catch (error) {
    if (error instanceof TraceOptionError) throw error;
    throw new TraceOptionError(`azure2019: cannot read directory ${dir} (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }
  const official = new Map<number, Partial<Record<string, string>>>();
  for (const name of names) {
    const [, kind, dayText] = officialPattern.exec(name) ?? [];
    if (kind === undefined) continue;
    const d = Number(dayText);
    const files = official.get(d) ?? {};
    files[kind] = join(dir, name);
    official.set(d, files);
  }
  const days = [...official.entries()].filter(([, f]) => f["invocations_per_function_md"]).map(([d]) => d).sort((a, b) => a - b);
  const [firstDay] = days;
  if (firstDay !== undefined) {
    const chosen = day ?? firstDay;
    const files = official.get(chosen);
    if (!files?.["invocations_per_function_md"]) {
      throw new TraceOptionError(`azure2019: no invocations file for day ${chosen} in ${dir} (days present: ${days.join(", ")})`);
    }
    if (!files["function_durations_percentiles"]) {
      throw new TraceOptionError(`azure2019: no function_durations_percentiles file for day ${chosen} in ${dir}`);
    }
    return {
      layout: "official",
      day: chosen,
      invocations: files["invocations_per_function_md"],
      durations: files["function_durations_percentiles"],
      ...(files["app_memory_percentiles"] ? { memory: files["app_memory_percentiles"] } : {}),
    };
  }
  if (day !== undefined) throw new TraceOptionError(`azure2019: --day ${day} needs the release's dNN file names in ${dir}`);
  for (const required of ["invocations.csv", "durations.csv"]) {
    if (!names.includes(required)) {
      throw new TraceOptionError(
        `azure2019: ${dir} holds neither invocations_per_function_md.anon.dNN.csv nor the excerpt's ${required}`,
      );
    }
  }
  return {
    layout: "excerpt",
    invocations: join(dir, "invocations.csv"),
    durations: join(dir, "durations.csv"),
    ...(names.includes("memory.csv") ? { memory: join(dir, "memory.csv") } : {}),
  };
}
