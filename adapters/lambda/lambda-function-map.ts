import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";

/** The function `xxbench lambda deploy` creates: one synthetic-work function driven by the payload. */
export const defaultLambdaFunctionName = "xxbench-synthetic-work";

/** A bad Lambda function-map file: one line naming the file and the entry. */
export class LambdaFunctionMapError extends Error {
  override readonly name = "LambdaFunctionMapError";
}

/** Lambda's function-name rule (a name, not an ARN; an ARN or alias is also accepted by Invoke). */
const functionNamePattern = /^(arn:[a-z-]+:lambda:[a-z0-9-]+:\d{12}:function:)?[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9$_-]+)?$/;

/**
 * Which deployed function each trace function invokes. Without a map every invocation goes to
 * `xxbench-synthetic-work`, which does what the payload's `workMs`/`memPeakMb` say. A map file
 * is one JSON object of trace function name (or `"*"` for the rest) → Lambda function name or ARN.
 */
export class LambdaFunctionMap {
  private constructor(
    private readonly names: ReadonlyMap<string, string>,
    private readonly fallback: string,
    readonly path?: string,
    readonly digest?: string,
  ) {}

  static single(name: string = defaultLambdaFunctionName): LambdaFunctionMap {
    if (!functionNamePattern.test(name)) throw new LambdaFunctionMapError(`"${name}" is not a Lambda function name or ARN`);
    return new LambdaFunctionMap(new Map(), name);
  }

  static load(path: string): LambdaFunctionMap {
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch (error) {
      throw new LambdaFunctionMapError(`Lambda function map ${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(bytes.toString("utf8"));
    } catch (error) {
      throw new LambdaFunctionMapError(`Lambda function map ${path}: not valid JSON (${error instanceof Error ? error.message : String(error)})`);
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed) || Object.keys(parsed).length === 0) {
      throw new LambdaFunctionMapError(`Lambda function map ${path}: must be a non-empty JSON object of trace function → Lambda function name`);
    }
    const names = new Map<string, string>();
    for (const [fn, name] of Object.entries(parsed)) {
      if (typeof name !== "string" || !functionNamePattern.test(name)) {
        throw new LambdaFunctionMapError(`Lambda function map ${path}: entry "${fn}": ${JSON.stringify(name)} is not a Lambda function name or ARN`);
      }
      names.set(fn, name);
    }
    const fallback = names.get("*") ?? defaultLambdaFunctionName;
    names.delete("*");
    return new LambdaFunctionMap(names, fallback, path, createHash("sha256").update(bytes).digest("hex"));
  }

  functionName(fn: string): string {
    return this.names.get(fn) ?? this.fallback;
  }

  /** Every function a run may invoke: the pre-flight check looks each one up. */
  functionNames(): string[] {
    return [...new Set([...this.names.values(), this.fallback])];
  }
}
