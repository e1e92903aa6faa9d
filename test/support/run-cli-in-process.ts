import { main } from "../../harness/cli/main.ts";
import type { CliResult } from "./run-cli.ts";

/**
 * Runs `xxbench <args>` through main() inside the test's process, capturing what it writes to
 * stdout and stderr and the exit code main() returns. For tests of what a command does; tests of
 * the executable itself (signals, the bin script, --help and --version, which yargs ends with
 * process.exit) use runCli. Saves the ~2 s of CPU a Node + tsx start costs per spawned command.
 */
export async function runCliInProcess(args: readonly string[]): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const { stdout: out, stderr: err } = process;
  const writeStdout = out.write;
  const writeStderr = err.write;
  const exit = process.exit;
  out.write = capture((text) => (stdout += text));
  err.write = capture((text) => (stderr += text));
  process.exit = (code?: string | number | null): never => {
    throw new Error(`xxbench ${args.join(" ")} called process.exit(${String(code)}): run it with runCli`);
  };
  try {
    const code = await main([...args]);
    return { code, stdout, stderr };
  } finally {
    out.write = writeStdout;
    err.write = writeStderr;
    process.exit = exit;
  }
}

/** A stream write that appends to a string instead, honouring the optional callback. */
function capture(append: (text: string) => void): typeof process.stdout.write {
  return ((chunk: string | Uint8Array, encodingOrCallback?: BufferEncoding | ((error?: Error | null) => void), callback?: (error?: Error | null) => void): boolean => {
    append(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString());
    const done = typeof encodingOrCallback === "function" ? encodingOrCallback : callback;
    done?.();
    return true;
  }) as typeof process.stdout.write;
}
