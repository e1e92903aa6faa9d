import { throwIfErrors } from "./usage-error.ts";

/**
 * yargs turns a number flag's non-numeric text into NaN and lets it through; every check
 * after that would print "got NaN". Refuse it here, quoting what the user typed.
 */
export function refuseNotANumber(argv: Readonly<Record<string, unknown>>, rawArgs: readonly string[]): void {
  const errors: string[] = [];
  for (const [key, value] of Object.entries(argv)) {
    // yargs also sets a camelCase alias of every kebab-case flag; report each flag once.
    if (/[A-Z]/.test(key) || key === "_" || key === "$0") continue;
    const values = Array.isArray(value) ? (value as unknown[]) : [value];
    if (!values.some((v) => typeof v === "number" && Number.isNaN(v))) continue;
    const flag = key.length === 1 ? `-${key}` : `--${key}`;
    const typed = typedText(rawArgs, flag);
    errors.push(`${flag} must be a number${typed === undefined ? "" : ` (got "${typed}")`}`);
  }
  throwIfErrors(errors);
}

/** The text given to `flag` on the command line (`--flag text` or `--flag=text`), if it can be found. */
function typedText(rawArgs: readonly string[], flag: string): string | undefined {
  for (const [i, arg] of rawArgs.entries()) {
    if (arg === flag) return rawArgs[i + 1];
    if (arg.startsWith(`${flag}=`)) return arg.slice(flag.length + 1);
  }
  return undefined;
}
