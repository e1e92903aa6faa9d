import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { DispatchQueue } from "./dispatch-queue.ts";
import type { ReferenceServerOptions } from "./server-options.ts";
import type { WorkDone } from "./synthetic-work.ts";
import { parseWorkRequest, type WorkRequest } from "./work-request.ts";
import { WorkerPool } from "./worker-pool.ts";
import { listenBacklog } from "../listen-backlog.ts";

/** Bodies are a few hundred bytes; anything far larger is a mistake, not a request. */
const maxBodyBytes = 64 * 1024;

/** A request admitted to the server, from its arrival to its response. */
interface Job {
  readonly request: WorkRequest;
  readonly memMb: number;
  readonly arrivedMs: number;
  readonly res: ServerResponse;
}

/** The reference function server's reply to a request it executed. */
export interface WorkResponse {
  readonly id: string | number | null;
  readonly worker: number;
  /** From the request's arrival (body read) until a worker was handed it, ms. */
  readonly queueMs: number;
  /** The work's wall time on the worker, ms. */
  readonly execMs: number;
  /** CPU the worker process used for it, ms. */
  readonly cpuMs: number;
  /** Memory the work grew to, MB. */
  readonly memMb: number;
}

export interface ServerCounters {
  ok: number;
  rejected: number;
  invalid: number;
  failed: number;
}

const round3 = (ms: number): number => Math.round(ms * 1000) / 1000;

function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

/**
 * The reference function server: an HTTP front that admits requests into a bounded queue and
 * executes each one's synthetic work on one of N worker processes (one request per worker at a
 * time). Users deploy the same server as "the synthetic function" on their own platform, so a
 * trace's work means the same thing everywhere.
 */
export class FunctionServer {
  readonly counters: ServerCounters = { ok: 0, rejected: 0, invalid: 0, failed: 0 };
  private readonly queue: DispatchQueue<Job>;
  private stopping: Promise<void> | undefined;

  private constructor(
    readonly options: ReferenceServerOptions,
    private readonly pool: WorkerPool,
    private readonly server: Server,
  ) {
    this.queue = new DispatchQueue<Job>(options.workers, options.queue);
  }

  /** Starts the workers, then listens; resolves once requests can be served. */
  static async start(options: ReferenceServerOptions): Promise<FunctionServer> {
    const pool = await WorkerPool.create(options.workers);
    const server = createServer();
    // Clients keep pooled connections open between requests of a replay.
    server.keepAliveTimeout = 30_000;
    const functionServer = new FunctionServer(options, pool, server);
    server.on("request", (req: IncomingMessage, res: ServerResponse) => functionServer.handle(req, res));
    try {
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen({ port: options.port, host: options.host, backlog: listenBacklog }, () => {
          server.off("error", reject);
          resolve();
        });
      });
    } catch (error) {
      await pool.close();
      throw error;
    }
    return functionServer;
  }

  /** The address requests go to, e.g. http://127.0.0.1:8080/. */
  get url(): string {
    const address = this.server.address() as AddressInfo;
    const host = address.family === "IPv6" || address.address.includes(":") ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}/`;
  }

  get workerPids(): number[] {
    return this.pool.pids;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    if (this.stopping) return sendText(res, 503, "server is shutting down\n", { connection: "close" });
    // "//healthz" too: a client that joins the base URL's trailing slash and "/healthz" means it.
    const path = (req.url ?? "/").split("?")[0]!.replace(/\/{2,}/g, "/");
    if (req.method === "GET" || req.method === "HEAD") {
      if (path === "/healthz") return sendText(res, 200, "ok");
      return sendText(res, 404, "not found: POST a JSON work request to any path, or GET /healthz\n");
    }
    if (req.method !== "POST") return sendText(res, 405, `method ${req.method} not allowed: POST a JSON work request\n`, { allow: "POST, GET" });
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBodyBytes) chunks.push(chunk);
    });
    req.on("end", () => {
      if (size > maxBodyBytes) {
        this.counters.invalid++;
        return sendText(res, 413, `body is ${size} bytes, above the ${maxBodyBytes} this server reads\n`);
      }
      this.admit(Buffer.concat(chunks).toString("utf8"), res);
    });
  }

  private admit(body: string, res: ServerResponse): void {
    if (this.stopping) return sendText(res, 503, "server is shutting down\n", { connection: "close" });
    const parsed = parseWorkRequest(body, this.options);
    if (!parsed.ok) {
      this.counters.invalid++;
      return sendText(res, 400, `${parsed.reason}\n`);
    }
    const job: Job = { request: parsed.request, memMb: parsed.memMb, arrivedMs: performance.now(), res };
    const dispatch = this.queue.offer(job);
    switch (dispatch.kind) {
      case "run":
        return this.execute(dispatch.worker, dispatch.job);
      case "queued":
        // A client that gives up while waiting frees its place in the queue.
        res.on("close", () => {
          if (!res.writableFinished) this.queue.withdraw(job);
        });
        return;
      case "rejected":
        this.counters.rejected++;
        return sendText(res, 429, `queue full: ${this.options.workers} workers busy and ${dispatch.waiting} requests waiting\n`);
    }
  }

  private execute(worker: number, job: Job): void {
    const queueMs = performance.now() - job.arrivedMs;
    this.pool
      .run(worker, { workMs: job.request.workMs, memMb: job.memMb, mode: this.options.workMode })
      .then(
        (done) => this.reply(job, worker, queueMs, done),
        (error: unknown) => {
          this.counters.failed++;
          sendText(job.res, this.stopping ? 503 : 500, `${this.stopping ? "server is shutting down: " : ""}${error instanceof Error ? error.message : String(error)}\n`);
        },
      )
      .finally(() => {
        if (this.stopping) return;
        const next = this.queue.release(worker);
        if (next.kind === "run") this.execute(next.worker, next.job);
      });
  }

  private reply(job: Job, worker: number, queueMs: number, done: WorkDone): void {
    this.counters.ok++;
    const response: WorkResponse = {
      id: job.request.id,
      worker,
      queueMs: round3(queueMs),
      execMs: round3(done.execMs),
      cpuMs: round3(done.cpuMs),
      memMb: round3(done.memMb),
    };
    const body = JSON.stringify(response);
    if (job.res.headersSent || job.res.destroyed) return;
    job.res.writeHead(200, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(body),
      "x-queue-ms": queueMs.toFixed(3),
      "x-exec-ms": done.execMs.toFixed(3),
      "x-cpu-ms": done.cpuMs.toFixed(3),
      "x-worker": String(worker),
    });
    job.res.end(body);
  }

  /**
   * Stops accepting, answers waiting requests 503, aborts the ones executing (their workers are
   * killed; they are answered 503) and closes every connection. Safe to call more than once.
   */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
      for (const job of this.queue.drain()) sendText(job.res, 503, "server is shutting down\n", { connection: "close" });
      await this.pool.close();
      // The executing requests' failures are answered in execute(); let those writes go out.
      await new Promise((resolve) => setImmediate(resolve));
      this.server.closeAllConnections();
      await closed;
    })();
    return this.stopping;
  }
}
