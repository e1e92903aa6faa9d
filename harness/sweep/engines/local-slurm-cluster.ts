import { isAlive } from "../../../adapters/process-liveness.ts";
import { execFile, execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { join } from "node:path";

/**
 * A private one-node SLURM cluster in a directory, for the tests and the benchmark: started and
 * stopped by scripts/slurm-local.sh (config, state, spool, logs and pid files all inside `dir`,
 * auth/none, no systemd), on free ports so it never meets another cluster on the machine.
 */
export interface LocalSlurmCluster {
  readonly dir: string;
  /** SLURM_CONF: all that SLURM's clients (and xxbench's engine) need to find this cluster. */
  readonly conf: string;
  readonly daemonPids: readonly number[];
  /** Cancels what is left, stops the daemons by pid and waits until every process of the cluster has exited. */
  stop(): Promise<void>;
}

const script = fileURLToPath(new URL("../../../scripts/slurm-local.sh", import.meta.url));

/**
 * Why a local cluster cannot start here (a test's skip reason), or null when it can. Only a
 * missing slurmctld skips: anything else wrong (not root, a half-installed SLURM) should fail
 * loudly rather than hide the engine's test.
 */
export function localSlurmUnavailable(): string | null {
  if (!onPath("slurmctld")) return "SLURM is not installed (no slurmctld on PATH; `apt-get install slurm-wlm`, as .ci/run does)";
  return null;
}

/** On PATH, or in /usr/sbin where Debian puts the daemons (scripts/slurm-local.sh adds it to its PATH). */
function onPath(binary: string): boolean {
  return [...(process.env.PATH ?? "").split(":"), "/usr/sbin"].some((d) => d !== "" && existsSync(join(d, binary)));
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address !== null ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

function run(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("bash", [script, ...args], { env, encoding: "utf8", timeout: 60_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`slurm-local.sh ${args[0]}: ${stderr.trim() || error.message}`)) : resolve(stdout),
    );
  });
}

/** Processes started by this cluster: the daemons, their slurmstepd and job processes all carry its SLURM_CONF. */
function clusterProcesses(conf: string): number[] {
  const pids: number[] = [];
  for (const p of readdirSync("/proc")) {
    if (!/^\d+$/.test(p) || Number(p) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${p}/environ`, "utf8").split("\0").includes(`SLURM_CONF=${conf}`) && isAlive(Number(p))) pids.push(Number(p));
    } catch {
      // Ended while we looked, or not ours to read.
    }
  }
  return pids;
}

export interface LocalSlurmOptions {
  /** CPUs the node declares (default: the machine's). */
  readonly cpus?: number;
  /** slurm.conf's SchedulerParameters; "" for SLURM's defaults (default: the script's fast start). */
  readonly schedulerParameters?: string;
  readonly extraConf?: string;
}

export async function startLocalSlurm(dir: string, options: LocalSlurmOptions = {}): Promise<LocalSlurmCluster> {
  const [ctld, slurmd] = [await freePort(), await freePort()];
  const env = {
    ...process.env,
    SLURMCTLD_PORT: String(ctld),
    SLURMD_PORT: String(slurmd),
    SLURM_AUTH: "none",
    ...(options.cpus !== undefined ? { SLURM_CPUS: String(options.cpus) } : {}),
    ...(options.extraConf !== undefined ? { SLURM_EXTRA_CONF: options.extraConf } : {}),
    ...(options.schedulerParameters !== undefined ? { SLURM_SCHED_PARAMS: options.schedulerParameters } : {}),
  };
  const out = await run(["start", dir], env);
  const conf = /export SLURM_CONF=(\S+)/.exec(out)?.[1];
  if (conf === undefined) throw new Error(`slurm-local.sh start printed no SLURM_CONF: ${out}`);
  const pid = (name: string): number => Number(readFileSync(join(dir, `${name}.pid`), "utf8").trim());
  const daemonPids = [pid("slurmctld"), pid("slurmd")];
  return {
    dir,
    conf,
    daemonPids,
    stop: async () => {
      await run(["stop", dir], { ...env, SLURM_CONF: conf }).catch(() => undefined);
      for (const p of daemonPids) if (isAlive(p)) process.kill(p, "SIGKILL");
      // slurmstepd and job processes of a cancelled task end a moment after the daemons.
      for (let i = 0; i < 100 && clusterProcesses(conf).length > 0; i++) await sleep(100);
      for (const p of clusterProcesses(conf)) process.kill(p, "SIGKILL");
    },
  };
}

/** The installed SLURM, e.g. "slurm-wlm 22.05.8" (for the benchmark's header; clients need a config even for --version, the daemon does not). */
export function slurmVersion(): string {
  try {
    return execFileSync("slurmctld", ["-V"], { encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
}
