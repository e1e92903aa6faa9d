import type { PerInvocationModelName } from "../billing/billing-model.ts";
import { NetworkBackend } from "../network/network-backend.ts";
import type { NetworkOptions } from "../network/network-options.ts";
import type { NetworkProgressListener } from "../network/open-loop-driver.ts";
import { defaultRoute, FunctionMap } from "./function-map.ts";
import { HttpInvoker, singleRoute } from "./http-invoker.ts";

/**
 * An HTTP target bills its rows like the other platforms without price classes: Lambda's
 * GB-second tariff on x86. It knows no start time, so only the request fee is in its rows; the
 * `costs` table still bills the run under every model.
 */
export const httpBillingModel: PerInvocationModelName = "lambda-x86";

/** A bad `http:` backend id: one line naming it. */
export class HttpTargetError extends Error {
  override readonly name = "HttpTargetError";
}

export interface HttpBackendOptions {
  readonly network: NetworkOptions;
  /** A function-map file (see function-map.ts); without it every invocation is a POST of its JSON to the URL. */
  readonly functionMapPath?: string;
  readonly onProgress?: NetworkProgressListener;
}

/** Parses the URL of `http:URL`; throws an HttpTargetError for anything but an http(s) URL. */
export function httpTargetUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new HttpTargetError(`backend http:${url}: "${url}" is not a URL (e.g. http:http://127.0.0.1:8080/)`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new HttpTargetError(`backend http:${url}: the URL must be http:// or https:// (got ${parsed.protocol})`);
  return parsed;
}

/**
 * `http:URL`: every invocation an HTTP request to the URL (or to what a function map says),
 * paced open-loop. Throws (before anything is sent) on a bad URL or function-map file.
 */
export function httpBackend(url: string, options: HttpBackendOptions, prices: readonly number[]): NetworkBackend {
  const base = httpTargetUrl(url);
  const map = options.functionMapPath === undefined ? undefined : FunctionMap.load(options.functionMapPath, base);
  const routes = map ?? singleRoute(defaultRoute(base));
  return new NetworkBackend({
    id: `http:${url}`,
    config: {
      url,
      ...(map ? { functionMap: map.path, functionMapDigest: map.digest } : {}),
      ...options.network,
      prices,
      billingModel: httpBillingModel,
    },
    billing: { prices },
    billingModel: httpBillingModel,
    options: options.network,
    invoker: () => new HttpInvoker(routes, options.network.maxInFlight),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
}
