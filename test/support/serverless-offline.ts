import { execFile, spawn } from "node:child_process";
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

/**
 * serverless-offline 14.8.2 under osls 4.3.1: a real Invoke API that runs real handlers in worker
 * threads (cold and warm instances), on loopback. It is not a devDependency: it is 136 MB over 160
 * packages and needs `--legacy-peer-deps` (else npm pulls the proprietary serverless@4), which
 * would make every `npm ci` slower and more fragile for one test. The first run installs it into
 * a cache folder (about 20–60 s); later runs reuse it. `npm ci` empties node_modules, so CI
 * installs it once per run; `XXBENCH_OSLS_DIR` moves the cache elsewhere.
 */
export const oslsVersions = { osls: "4.3.1", "serverless-offline": "14.8.2" } as const;

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
export const oslsDir = process.env["XXBENCH_OSLS_DIR"] ?? join(repoRoot, "node_modules", ".cache", "xxbench-osls");

/**
 * Installs osls and serverless-offline into the cache folder unless they are there already. Test
 * files run in parallel processes, and two `npm install`s into one folder corrupt it: the first
 * takes a lock folder (mkdir is atomic), the others wait for it and then find the install done.
 */
export async function ensureOsls(): Promise<string> {
  const bin = join(oslsDir, "node_modules", "osls", "bin", "serverless.js");
  const installed = (): boolean => existsSync(bin) && existsSync(join(oslsDir, "node_modules", "serverless-offline", "package.json"));
  if (installed()) return bin;
  mkdirSync(dirname(oslsDir), { recursive: true });
  const lock = `${oslsDir}.lock`;
  const deadline = performance.now() + 300_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    if (installed()) return bin;
    if (performance.now() > deadline) throw new Error(`waited 300 s for another install of osls to finish (lock ${lock}); remove the lock if none runs`);
    await sleep(500);
  }
  try {
    if (installed()) return bin;
    mkdirSync(oslsDir, { recursive: true });
    writeFileSync(join(oslsDir, "package.json"), JSON.stringify({ name: "xxbench-osls-cache", private: true }));
    const npm = process.platform === "win32" ? "npm.cmd" : "npm";
    await promisify(execFile)(
      npm,
      ["install", "--no-audit", "--no-fund", "--loglevel=error", "--legacy-peer-deps", "--save-exact", ...Object.entries(oslsVersions).map(([name, v]) => `${name}@${v}`)],
      { cwd: oslsDir, timeout: 240_000 },
    );
    return bin;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no free port");
  return address.port;
}

async function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

export interface RunningServerlessOffline {
  /** The Invoke API endpoint, e.g. http://127.0.0.1:40123. */
  readonly lambdaUrl: string;
  /** `<service>-<stage>-<function>`, as serverless-offline names functions. */
  functionName(fn: string): string;
  output(): string;
  /** SIGINT (serverless-offline's own shutdown), SIGKILL after 10 s; resolves once it has exited. */
  stop(): Promise<void>;
}

/** A function's handler (`file.export`), with its timeout (default 30 s) and memory (default serverless-offline's 1024 MB). */
export type OfflineFunction = string | { readonly handler: string; readonly timeoutS?: number; readonly memoryMb?: number };

/**
 * Starts `osls offline start` in `serviceDir` (which must hold the handlers) with a serverless.yml
 * for `functions` (name → handler), and resolves once its Lambda port accepts connections.
 */
export async function startServerlessOffline(serviceDir: string, functions: Readonly<Record<string, OfflineFunction>>, timeoutMs = 120_000): Promise<RunningServerlessOffline> {
  const bin = await ensureOsls();
  const [httpPort, lambdaPort] = [await freePort(), await freePort()];
  const service = "xxbench-e2e";
  writeFileSync(
    join(serviceDir, "serverless.yml"),
    [
      `service: ${service}`,
      `frameworkVersion: '*'`,
      `provider: { name: aws, runtime: nodejs20.x, region: us-east-1, stage: dev }`,
      `plugins: [serverless-offline]`,
      `custom:`,
      `  serverless-offline: { host: 127.0.0.1, httpPort: ${httpPort}, lambdaPort: ${lambdaPort}, noPrependStageInUrl: true }`,
      `functions:`,
      ...Object.entries(functions).map(([name, f]) => {
        const { handler, timeoutS = 30, memoryMb } = typeof f === "string" ? { handler: f } : f;
        return `  ${name}: { handler: ${handler}, timeout: ${timeoutS}${memoryMb !== undefined ? `, memorySize: ${memoryMb}` : ""} }`;
      }),
      "",
    ].join("\n"),
  );
  if (!existsSync(join(serviceDir, "node_modules"))) symlinkSync(join(oslsDir, "node_modules"), join(serviceDir, "node_modules"), "dir");
  const child = spawn(process.execPath, [bin, "offline", "start"], {
    cwd: serviceDir,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      AWS_ACCESS_KEY_ID: "stand-in",
      AWS_SECRET_ACCESS_KEY: "stand-in",
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      // Nothing but loopback: no telemetry, no update checks.
      SLS_TELEMETRY_DISABLED: "1",
      SLS_TRACKING_DISABLED: "1",
      SLS_NOTIFICATIONS_MODE: "off",
    },
  });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGINT");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
  };
  const deadline = performance.now() + timeoutMs;
  while (!(await accepts(lambdaPort))) {
    if (child.exitCode !== null || performance.now() > deadline) {
      await stop();
      throw new Error(`serverless-offline did not listen on ${lambdaPort} within ${timeoutMs} ms:\n${output.slice(-2000)}`);
    }
    await sleep(200);
  }
  return { lambdaUrl: `http://127.0.0.1:${lambdaPort}`, functionName: (fn) => `${service}-dev-${fn}`, output: () => output, stop };
}
