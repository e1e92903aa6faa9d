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
 * requests at once are refused 429 TooManyRequestsException.
 */
export interface StandInOptions {
  readonly maxInFlight?: number;
  readonly initMs?: number;
  readonly memorySizeMb?: number;
  /** Refuse the first N requests with 429 whatever the load (to test bounded retries). */
  readonly throttleFirst?: number;
}

export interface InvokeApiStandIn {
  readonly url: string;
  /** Requests received, answered 200, refused 429. */
  readonly counts: { received: number; ok: number; throttled: number; cold: number };
  close(): Promise<void>;
}

const invokePath = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;
const hangTimeoutMs = 1000;

export async function startInvokeApiStandIn(options: StandInOptions = {}): Promise<InvokeApiStandIn> {
  const maxInFlight = options.maxInFlight ?? 1000;
  const initMs = options.initMs ?? 0;
  const memorySizeMb = options.memorySizeMb ?? 128;
  let throttleLeft = options.throttleFirst ?? 0;
  const counts = { received: 0, ok: 0, throttled: 0, cold: 0 };
  const idle = new Map<string, number>();
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

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const match = req.method === "POST" ? invokePath.exec(req.url ?? "") : null;
    if (!match) return error(res, 404, "UnknownOperationException", "not an Invoke request");
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
      const warm = idle.get(name) ?? 0;
      const cold = warm === 0;
      if (cold) counts.cold++;
      else idle.set(name, warm - 1);
      if (cold && initMs > 0) await wait(initMs);
      const started = performance.now();
      const workMs = name === "hang" ? hangTimeoutMs : Math.max(0, payload.workMs ?? 0);
      if (workMs > 0) await wait(workMs);
      const durationMs = performance.now() - started;
      idle.set(name, (idle.get(name) ?? 0) + 1);
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
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function error(res: ServerResponse, status: number, type: string, message: string, reason?: string): void {
  res.writeHead(status, { "content-type": "application/json", "x-amzn-errortype": type }).end(JSON.stringify({ Type: "User", message, ...(reason ? { Reason: reason } : {}) }));
}
