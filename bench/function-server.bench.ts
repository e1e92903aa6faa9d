/**
 * Reference function server benchmark: requests/s per worker for requests with workMs 0, i.e.
 * the server's own cost per request (HTTP front, queue, IPC to the worker and back).
 *
 *   npx tsx bench/function-server.bench.ts            # 1 worker, then one per core; 3 s each
 *   XXBENCH_BENCH_SECONDS=1 npx tsx bench/function-server.bench.ts
 *
 * The server is the real `xxbench functions serve` in its own process (with its worker
 * processes); this process is the client (undici Pool, keep-alive, a closed loop of requests
 * 4 × workers deep). On a 2-core machine client and server share the cores, so the figure is
 * a lower bound; the load average is printed with it.
 */
import { spawn } from "node:child_process";
import { availableParallelism, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { Pool } from "undici";

const cli = fileURLToPath(new URL("../bin/xxbench.js", import.meta.url));
const seconds = Number(process.env.XXBENCH_BENCH_SECONDS ?? 3);
const warmupMs = 500;

async function startServer(workers: number): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [cli, "functions", "serve", "--port", "0", "--workers", String(workers), "--mem-scale", "0"], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line within 30 s; stderr: ${stderr}`)), 30_000);
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
      const match = /^listening on (\S+)/m.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once("exit", (code) => reject(new Error(`server exited (code ${code}); stderr: ${stderr}`)));
  });
  return {
    url,
    stop: async () => {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** Requests completed per second by `depth` closed loops over `seconds` (after a warm-up). */
async function measure(url: string, depth: number): Promise<{ perSecond: number; failed: number }> {
  const origin = new URL(url).origin;
  const pool = new Pool(origin, { connections: depth, pipelining: 1 });
  const body = JSON.stringify({ id: 0, fn: "f", app: "a", tenant: "t", priceClass: 0, workMs: 0, memPeakMb: 0 });
  let counting = false;
  let done = 0;
  let failed = 0;
  let stop = false;
  const loop = async (): Promise<void> => {
    while (!stop) {
      const res = await pool.request({ path: "/", method: "POST", body, headers: { "content-type": "application/json" } });
      await res.body.text();
      if (!counting) continue;
      if (res.statusCode === 200) done++;
      else failed++;
    }
  };
  const loops = Array.from({ length: depth }, loop);
  await new Promise((resolve) => setTimeout(resolve, warmupMs));
  counting = true;
  const t0 = performance.now();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  counting = false;
  const elapsed = (performance.now() - t0) / 1000;
  stop = true;
  await Promise.all(loops);
  await pool.close();
  return { perSecond: done / elapsed, failed };
}

// One worker (the per-request cost alone), then one per core (the default).
for (const workers of [...new Set([1, availableParallelism()])]) {
  const server = await startServer(workers);
  try {
    const { perSecond, failed } = await measure(server.url, 4 * workers);
    const load = loadavg()[0]!.toFixed(2);
    process.stdout.write(
      `function server: ${Math.round(perSecond)} req/s with ${workers} worker${workers > 1 ? "s" : ""} (${Math.round(perSecond / workers)} req/s per worker), workMs 0, ${4 * workers} in flight, load ${load}${failed > 0 ? `, ${failed} not 200` : ""}\n`,
    );
  } finally {
    await server.stop();
  }
}
