import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Invocation } from "../../traces/invocation.ts";
import { RequestTemplate } from "./request-template.ts";

export const httpMethods = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
export type HttpMethod = (typeof httpMethods)[number];

/** One request, ready to send (http1-request-bytes.ts, or undici for https). */
export interface HttpRequest {
  readonly origin: string;
  readonly path: string;
  readonly method: HttpMethod;
  readonly headers: Record<string, string>;
  readonly body: string | undefined;
}

/** Where and how one function's invocations are sent. */
export interface HttpRoute {
  readonly origin: string;
  request(inv: Invocation): HttpRequest;
}

/** A bad function-map file: the message is one line naming the file and the entry. */
export class FunctionMapError extends Error {
  override readonly name = "FunctionMapError";
}

const entryKeys = ["url", "method", "headers", "body"] as const;

/**
 * The default request: a POST of the invocation as JSON to the backend's URL. The reference
 * server (`xxbench functions serve`) reads exactly these fields.
 */
export function defaultBody(inv: Invocation): string {
  return JSON.stringify({ id: inv.id, fn: inv.fn, app: inv.app, tenant: inv.tenant, priceClass: inv.priceClass, workMs: inv.workMs, memPeakMb: inv.memPeakMb });
}

const jsonHeaders: Readonly<Record<string, string>> = { "content-type": "application/json" };

/** The route of `http:URL` without a function map, and of functions a map does not name. */
export function defaultRoute(baseUrl: URL): HttpRoute {
  const origin = baseUrl.origin;
  const path = `${baseUrl.pathname}${baseUrl.search}`;
  return { origin, request: (inv) => ({ origin, path, method: "POST", headers: jsonHeaders, body: defaultBody(inv) }) };
}

/**
 * A function map: which request each function's invocations become, for driving a platform's own
 * endpoints. The file is one JSON object; each key is a function name (`fn` in the trace) or
 * `"*"` for every function not named; each value is an entry:
 *
 *   { "url": "/function/{{fn}}",                 required; absolute, or relative to http:URL
 *     "method": "POST",                          GET POST PUT PATCH DELETE; default POST
 *     "headers": { "authorization": "Bearer k" },  optional; values may use placeholders
 *     "body": "{\"n\": {{workMs}}}" }             optional; default the JSON of the invocation
 *                                                (none for GET); never allowed with GET
 *
 * Placeholders `{{id}} {{fn}} {{app}} {{tenant}} {{trigger}} {{priceClass}} {{workMs}}
 * {{memStartMb}} {{memPeakMb}} {{arrivalMs}}` may appear in the url's path and query (percent-
 * encoded), header values and the body (as they are). A function neither named nor covered by
 * `"*"` gets the default request to http:URL itself, so a map may list only the functions it
 * redirects. Anything else (an unknown key, a bad URL or method, an unknown placeholder) is an
 * error before anything is sent.
 */
export class FunctionMap {
  private constructor(
    readonly path: string,
    /** sha256 of the file's bytes, stored in the run config so the run says which map it used. */
    readonly digest: string,
    private readonly routes: ReadonlyMap<string, HttpRoute>,
    private readonly fallback: HttpRoute,
  ) {}

  /** Reads and validates `path`; every problem throws a FunctionMapError. */
  static load(path: string, baseUrl: URL): FunctionMap {
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch (error) {
      throw new FunctionMapError(`function map ${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(bytes.toString("utf8"));
    } catch (error) {
      throw new FunctionMapError(`function map ${path}: not valid JSON (${error instanceof Error ? error.message : String(error)})`);
    }
    const map = FunctionMap.fromJson(parsed, path, baseUrl);
    return new FunctionMap(path, createHash("sha256").update(bytes).digest("hex"), map.routes, map.fallback);
  }

  /** Validates an already parsed map; `path` only names it in messages. */
  static fromJson(parsed: unknown, path: string, baseUrl: URL): FunctionMap {
    if (!isPlainObject(parsed)) throw new FunctionMapError(`function map ${path}: must be a JSON object of function name → entry`);
    const names = Object.keys(parsed);
    if (names.length === 0) throw new FunctionMapError(`function map ${path}: has no entries`);
    const routes = new Map<string, HttpRoute>();
    for (const name of names) {
      try {
        routes.set(name, compileEntry(parsed[name], baseUrl));
      } catch (error) {
        throw new FunctionMapError(`function map ${path}: entry "${name}": ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    const fallback = routes.get("*") ?? defaultRoute(baseUrl);
    routes.delete("*");
    return new FunctionMap(path, "", routes, fallback);
  }

  route(fn: string): HttpRoute {
    return this.routes.get(fn) ?? this.fallback;
  }

  /** Every origin a request may go to: the pre-flight check connects to each. */
  origins(): string[] {
    return [...new Set([...this.routes.values(), this.fallback].map((r) => r.origin))];
  }
}

function compileEntry(entry: unknown, baseUrl: URL): HttpRoute {
  if (!isPlainObject(entry)) throw new Error(`must be an object with "url" and optionally "method", "headers", "body"`);
  for (const key of Object.keys(entry)) {
    if (!(entryKeys as readonly string[]).includes(key)) throw new Error(`unknown key "${key}" (allowed: ${entryKeys.join(", ")})`);
  }
  const { url, method = "POST", headers = {}, body } = entry;
  if (typeof url !== "string" || url === "") throw new Error(`"url" must be a non-empty string`);
  if (typeof method !== "string" || !(httpMethods as readonly string[]).includes(method.toUpperCase())) {
    throw new Error(`"method" must be one of ${httpMethods.join(", ")} (got ${JSON.stringify(method)})`);
  }
  const verb = method.toUpperCase() as HttpMethod;
  if (body !== undefined && typeof body !== "string") throw new Error(`"body" must be a string template (got ${typeof body})`);
  if (body !== undefined && verb === "GET") throw new Error(`a GET request cannot have a "body"`);
  if (!isPlainObject(headers)) throw new Error(`"headers" must be an object of header name → string`);

  const { origin, pathTemplate } = urlTemplate(url, baseUrl);
  const headerTemplates: [string, RequestTemplate][] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw new Error(`header name ${JSON.stringify(name)} is not a valid HTTP header name`);
    if (typeof value !== "string") throw new Error(`header "${name}" must be a string (got ${typeof value})`);
    headerTemplates.push([name.toLowerCase(), RequestTemplate.parse(value)]);
  }
  const bodyTemplate = body === undefined ? undefined : RequestTemplate.parse(body);
  const sendsDefaultBody = body === undefined && verb !== "GET";
  if ((bodyTemplate || sendsDefaultBody) && !headerTemplates.some(([name]) => name === "content-type")) {
    headerTemplates.push(["content-type", RequestTemplate.parse("application/json")]);
  }
  return {
    origin,
    request: (inv) => {
      const rendered: Record<string, string> = {};
      for (const [name, template] of headerTemplates) rendered[name] = template.render(inv);
      return {
        origin,
        path: pathTemplate.render(inv),
        method: verb,
        headers: rendered,
        body: bodyTemplate ? bodyTemplate.render(inv) : sendsDefaultBody ? defaultBody(inv) : undefined,
      };
    },
  };
}

/**
 * The origin (fixed, so the pre-flight check can reach it) and a template of path and query.
 * Placeholders are swapped for markers that survive URL parsing, then swapped back.
 */
function urlTemplate(url: string, baseUrl: URL): { origin: string; pathTemplate: RequestTemplate } {
  const marked = url.replace(/\{\{\s*([A-Za-z]+)\s*\}\}/g, (_m, name: string) => `xxbenchplaceholder${name}xxbench`);
  let resolved: URL;
  try {
    resolved = new URL(marked, baseUrl);
  } catch {
    throw new Error(`"url" ${JSON.stringify(url)} is not a valid URL`);
  }
  if (resolved.protocol !== "http:" && resolved.protocol !== "https:") throw new Error(`"url" must be http or https (got ${resolved.protocol})`);
  if (resolved.origin.includes("xxbenchplaceholder")) throw new Error(`"url" may use placeholders in its path and query only, not in ${resolved.origin}`);
  const pathAndQuery = `${resolved.pathname}${resolved.search}`.replace(/xxbenchplaceholder([A-Za-z]+)xxbench/g, "{{$1}}");
  return { origin: resolved.origin, pathTemplate: RequestTemplate.parse(pathAndQuery, { encode: true }) };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
