import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { cliPath } from "./run-cli.ts";
import { isAlive } from "../../adapters/process-liveness.ts";

export { isAlive };

export interface ReferenceServerStart {
  readonly workers?: number;
  readonly queue?: number;
  readonly workMode?: "cpu" | "sleep";
  readonly memScale?: number;
  readonly maxWorkMs?: number;
  /** Further command-line arguments, appended as given. */
  readonly args?: readonly string[];
  /** How long to wait for the listening line (a cold tsx start on a busy machine takes seconds). */
  readonly timeoutMs?: number;
}

export interface RunningReferenceServer {
  /** e.g. "http://127.0.0.1:40123/" (with the trailing slash). */
  readonly url: string;
  /** The primary's pid. */
  readonly pid: number;
  /** The worker processes' pids (children of the primary running function-worker.ts). */
  workerPids(): number[];
  /** What the server wrote to stderr so far. */
  stderr(): string;
  /** SIGTERM, then SIGKILL after a grace period; resolves with the exit code once the process has exited. */
  stop(): Promise<number | null>;
}

/**
 * Starts the real `xxbench functions serve --port 0 …` as a child process and resolves once it
 * prints its listening line. Every caller must stop() it (in afterAll/afterEach).
 */
export function startReferenceServer(options: ReferenceServerStart = {}): Promise<RunningReferenceServer> {
  const args = ["functions", "serve", "--port", "0"];
  if (options.workers !== undefined) args.push("--workers", String(options.workers));
  if (options.queue !== undefined) args.push("--queue", String(options.queue));
  if (options.workMode !== undefined) args.push("--work-mode", options.workMode);
  if (options.memScale !== undefined) args.push("--mem-scale", String(options.memScale));
  if (options.maxWorkMs !== undefined) args.push("--max-work-ms", String(options.maxWorkMs));
  args.push(...(options.args ?? []));
  const timeoutMs = options.timeoutMs ?? 30_000;

  const child = spawn(process.execPath, [cliPath, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

  const stop = async (): Promise<number | null> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    }
    return exited;
  };

  return new Promise((resolve, reject) => {
    const fail = (why: string): void => {
      clearTimeout(timer);
      child.stdout.off("data", onData);
      void stop().then(() => reject(new Error(`xxbench ${args.join(" ")} ${why}; stderr: ${stderr.trim() || "(empty)"}`)));
    };
    const timer = setTimeout(() => fail(`printed no listening line within ${timeoutMs} ms`), timeoutMs);
    const onData = (): void => {
      const match = /^listening on (http:\/\/\S+) /m.exec(stdout);
      if (!match) return;
      clearTimeout(timer);
      child.stdout.off("data", onData);
      child.off("exit", onEarlyExit);
      resolve({ url: match[1]!, pid: child.pid!, workerPids: () => childrenOf(child.pid!, "function-worker"), stderr: () => stderr, stop });
    };
    const onEarlyExit = (code: number | null): void => fail(`exited (code ${code}) before listening`);
    child.stdout.on("data", onData);
    child.once("exit", onEarlyExit);
  });
}

/** Live (not zombie) child processes of `pid` whose command line contains `marker`, from /proc. */
export function childrenOf(pid: number, marker: string): number[] {
  let children: string[];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean);
  } catch {
    return [];
  }
  return children.map(Number).filter((child) => {
    try {
      return isAlive(child) && readFileSync(`/proc/${child}/cmdline`, "utf8").includes(marker);
    } catch {
      return false; // ended while we looked
    }
  });
}

