import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A STAND-IN for AWS Lambda's Invoke API on loopback: nothing real answers `LogType: "Tail"`
 * with a REPORT line or refuses with 429 here (serverless-offline does neither, FACTS §2), so
 * this small node:http server does, with exactly the headers `@aws-sdk/client-lambda` parses:
 * `x-amz-log-result` (base64 log tail), `x-amz-function-error`, `x-amz-executed-version`, and
 * 429 / 404 with `x-amzn-errortype`. Tests that use it say "stand-in" in their names.
 *
 * Functions: `boom` throws (FunctionError Unhandled), `hang` runs past its 1 s timeout (Lambda's
 * timeout answer and REPORT `Status: timeout`), `missing` does not exist (404); any other name
 * runs the payload's `workMs` as a sleep. Each function keeps warm instances: a request that
 * finds none idle starts one (a cold start, `Init Duration: initMs`). More than `maxInFlight`
 * requests at once are refused 429 TooManyRequestsException. It also answers the control-plane
 * calls `xxbench lambda deploy` makes (GetFunction, CreateFunction, UpdateFunctionCode,
 * UpdateFunctionConfiguration) from an in-memory table, always `Active` / `Successful`.
 */
export interface StandInOptions {
  readonly maxInFlight?: number;
  readonly initMs?: number;
  readonly memorySizeMb?: number;
  /** Refuse the first N requests with 429 whatever the load (to test bounded retries). */
  readonly throttleFirst?: number;
  /** What GetAccountSettings answers as the account's concurrency quota (default 1000). */
  readonly concurrencyQuota?: number;
  /** An instance idle longer than this is gone, so the next request starts cold (default: never). */
  readonly keepAliveMs?: number;
  /** Functions that exist before the test (for deploy's ownership check), with their tags. */
  readonly existing?: readonly { readonly name: string; readonly tags?: Record<string, string> }[];
}

/** A function as the stand-in's control plane keeps it (GetFunction / CreateFunction / Update*). */
export interface StandInFunction {
  configuration: Record<string, unknown>;
  tags: Record<string, string>;
  /** Calls that changed it: "create", "code", "configuration". */
  readonly changes: string[];
}

export interface InvokeApiStandIn {
  readonly url: string;
  /** Invoke requests received, answered 200, refused 429; cold starts. */
  readonly counts: { received: number; ok: number; throttled: number; cold: number };
  /** The control plane's functions by name. */
  readonly functions: Map<string, StandInFunction>;
  close(): Promise<void>;
}

const invokePath = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;
const functionPath = /^\/2015-03-31\/functions\/([^/]+)(\/code|\/configuration)?\/?$/;
const hangTimeoutMs = 1000;

export async function startInvokeApiStandIn(options: StandInOptions = {}): Promise<InvokeApiStandIn> {
  const maxInFlight = options.maxInFlight ?? 1000;
  const initMs = options.initMs ?? 0;
  const memorySizeMb = options.memorySizeMb ?? 128;
  let throttleLeft = options.throttleFirst ?? 0;
  const counts = { received: 0, ok: 0, throttled: 0, cold: 0 };
  const keepAliveMs = options.keepAliveMs ?? Infinity;
  /** Per function, when each idle instance became idle (performance.now()). */
  const idle = new Map<string, number[]>();
  let inFlight = 0;
  let requestSeq = 0;
  const timers = new Set<NodeJS.Timeout>();
  const wait = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const functions = new Map<string, StandInFunction>();
  for (const f of options.existing ?? []) functions.set(f.name, { configuration: configurationOf(f.name, {}), tags: { ...f.tags }, changes: [] });

  /** The few control-plane calls `xxbench lambda deploy` makes, with Lambda's JSON shapes. */
  const controlPlane = (req: IncomingMessage, res: ServerResponse, body: string): void => {
    const path = (req.url ?? "").split("?")[0]!;
    if (req.method === "GET" && path === "/2016-08-19/account-settings") {
      return json(res, 200, { AccountLimit: { ConcurrentExecutions: options.concurrencyQuota ?? 1000, UnreservedConcurrentExecutions: options.concurrencyQuota ?? 1000 }, AccountUsage: { FunctionCount: functions.size } });
    }
    if (req.method === "POST" && path === "/2015-03-31/functions") {
      const input = JSON.parse(body) as Record<string, unknown> & { FunctionName: string; Tags?: Record<string, string>; Code?: { ZipFile?: string } };
      if (functions.has(input.FunctionName)) return error(res, 409, "ResourceConflictException", `Function already exist: ${input.FunctionName}`);
      const fn: StandInFunction = { configuration: configurationOf(input.FunctionName, { ...input, CodeSha256: sha256(input.Code?.ZipFile) }), tags: { ...input.Tags }, changes: ["create"] };
      functions.set(input.FunctionName, fn);
      return json(res, 201, fn.configuration);
    }
    const match = functionPath.exec(path);
    const fn = match ? functions.get(decodeURIComponent(match[1]!)) : undefined;
    if (!match) return error(res, 404, "UnknownOperationException", `no such operation: ${req.method} ${path}`);
    if (fn === undefined) return error(res, 404, "ResourceNotFoundException", `Function not found: ${decodeURIComponent(match[1]!)}`);
    if (req.method === "GET" && match[2] === undefined) return json(res, 200, { Configuration: fn.configuration, Code: { RepositoryType: "S3" }, Tags: fn.tags });
    if (req.method === "GET" && match[2] === "/configuration") return json(res, 200, fn.configuration);
    if (req.method === "PUT" && match[2] === "/code") {
      const input = JSON.parse(body) as { ZipFile?: string; Architectures?: string[] };
      fn.configuration = { ...fn.configuration, CodeSha256: sha256(input.ZipFile), ...(input.Architectures ? { Architectures: input.Architectures } : {}) };
      fn.changes.push("code");
      return json(res, 200, fn.configuration);
    }
    if (req.method === "PUT" && match[2] === "/configuration") {
      const input = JSON.parse(body) as { MemorySize?: number; Timeout?: number };
      fn.configuration = { ...fn.configuration, ...(input.MemorySize !== undefined ? { MemorySize: input.MemorySize } : {}), ...(input.Timeout !== undefined ? { Timeout: input.Timeout } : {}) };
      fn.changes.push("configuration");
      return json(res, 200, fn.configuration);
    }
    return error(res, 404, "UnknownOperationException", `no such operation: ${req.method} ${path}`);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const match = req.method === "POST" ? invokePath.exec(req.url ?? "") : null;
    if (!match) return controlPlane(req, res, Buffer.concat(chunks).toString("utf8"));
    const name = decodeURIComponent(match[1]!);
    counts.received++;
    if (name === "missing") return error(res, 404, "ResourceNotFoundException", `Function not found: arn:aws:lambda:us-east-1:000000000000:function:${name}`);
    if (throttleLeft > 0 || inFlight >= maxInFlight) {
      if (throttleLeft > 0) throttleLeft--;
      counts.throttled++;
      return error(res, 429, "TooManyRequestsException", "Rate Exceeded.", "ConcurrentInvocationLimitExceeded");
    }
    inFlight++;
    try {
      const payload = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as { workMs?: number };
      const requestId = `00000000-0000-4000-8000-${String(++requestSeq).padStart(12, "0")}`;
      const arrived = performance.now();
      const instances = (idle.get(name) ?? []).filter((since) => arrived - since <= keepAliveMs);
      const cold = instances.pop() === undefined;
      idle.set(name, instances);
      if (cold) counts.cold++;
      if (cold && initMs > 0) await wait(initMs);
      const started = performance.now();
      const workMs = name === "hang" ? hangTimeoutMs : Math.max(0, payload.workMs ?? 0);
      // Node's timers may fire up to a millisecond early: hold until the whole workMs has passed,
      // as Lambda's Duration for a handler that sleeps workMs would never be shorter.
      while (performance.now() - started < workMs) await wait(Math.max(1, workMs - (performance.now() - started)));
      const durationMs = performance.now() - started;
      idle.get(name)!.push(performance.now());
      const billedMs = Math.ceil(durationMs + (cold ? initMs : 0));
      const timedOut = name === "hang";
      const report = [
        `REPORT RequestId: ${requestId}`,
        `Duration: ${durationMs.toFixed(2)} ms`,
        `Billed Duration: ${billedMs} ms`,
        `Memory Size: ${memorySizeMb} MB`,
        `Max Memory Used: ${Math.min(memorySizeMb, 40)} MB`,
        ...(cold ? [`Init Duration: ${initMs.toFixed(2)} ms`] : []),
        ...(timedOut ? ["Status: timeout"] : []),
      ].join("\t");
      const log = [`START RequestId: ${requestId} Version: $LATEST`, ...(timedOut ? [`${new Date().toISOString()} ${requestId} Task timed out after ${(hangTimeoutMs / 1000).toFixed(2)} seconds`] : []), `END RequestId: ${requestId}`, report, ""].join("\n");
      const headers: Record<string, string> = { "content-type": "application/json", "x-amz-executed-version": "$LATEST", "x-amzn-requestid": requestId };
      if (req.headers["x-amz-log-type"] === "Tail") headers["x-amz-log-result"] = Buffer.from(log).toString("base64");
      let body: string;
      if (name === "boom") {
        headers["x-amz-function-error"] = "Unhandled";
        body = JSON.stringify({ errorType: "Error", errorMessage: "boom", trace: ["Error: boom", "    at handler (index.mjs:1:1)"] });
      } else if (timedOut) {
        headers["x-amz-function-error"] = "Unhandled";
        body = JSON.stringify({ errorType: "Sandbox.Timedout", errorMessage: `RequestId: ${requestId} Error: Task timed out after ${(hangTimeoutMs / 1000).toFixed(2)} seconds` });
      } else {
        body = JSON.stringify({ ok: true, execMs: durationMs });
      }
      counts.ok++;
      res.writeHead(200, headers).end(body);
    } finally {
      inFlight--;
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    functions,
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function configurationOf(name: string, input: Record<string, unknown>): Record<string, unknown> {
  return {
    FunctionName: name,
    FunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
    Runtime: input["Runtime"] ?? "nodejs20.x",
    Handler: input["Handler"] ?? "index.handler",
    MemorySize: input["MemorySize"] ?? 128,
    Timeout: input["Timeout"] ?? 3,
    Architectures: input["Architectures"] ?? ["x86_64"],
    CodeSha256: input["CodeSha256"] ?? "",
    State: "Active",
    LastUpdateStatus: "Successful",
  };
}

function sha256(base64: string | undefined): string {
  return createHash("sha256").update(Buffer.from(base64 ?? "", "base64")).digest("base64");
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

function error(res: ServerResponse, status: number, type: string, message: string, reason?: string): void {
  res.writeHead(status, { "content-type": "application/json", "x-amzn-errortype": type }).end(JSON.stringify({ Type: "User", message, ...(reason ? { Reason: reason } : {}) }));
}
