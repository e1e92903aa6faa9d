import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultBody, defaultRoute, FunctionMap, FunctionMapError } from "../../../adapters/http/function-map.ts";
import { RequestTemplate } from "../../../adapters/http/request-template.ts";
import { invocation } from "../../support/run-invocations.ts";
import { useTempDirs } from "../../support/temp-dir.ts";

const base = new URL("http://127.0.0.1:8080/base/");
const inv = invocation({ id: 7, arrivalMs: 1500, workMs: 12.5, fn: "resize img", app: "photos", tenant: "t1", priceClass: 2, memPeakMb: 256, memStartMb: 64 });

describe("RequestTemplate", () => {
  const cases: [string, string, boolean, string][] = [
    ["no placeholder", "plain", false, "plain"],
    ["every field", "{{id}} {{fn}} {{app}} {{tenant}} {{trigger}} {{priceClass}} {{workMs}} {{memStartMb}} {{memPeakMb}} {{arrivalMs}}", false, "7 resize img photos t1  2 12.5 64 256 1500"],
    ["spaces inside the braces", "{{ id }}-{{workMs }}", false, "7-12.5"],
    ["JSON quoting is the template's", '{"fn":"{{fn}}","n":{{workMs}}}', false, '{"fn":"resize img","n":12.5}'],
    ["percent-encoded in a URL", "/f/{{fn}}?app={{app}}", true, "/f/resize%20img?app=photos"],
  ];
  it.each(cases)("%s", (_name, text, encode, expected) => expect(RequestTemplate.parse(text, { encode }).render(inv)).toBe(expected));

  it("names an unknown placeholder and the known ones", () => {
    expect(() => RequestTemplate.parse("{{work}}")).toThrow("unknown placeholder {{work}} (known: {{id}} {{fn}} {{app}} {{tenant}} {{trigger}} {{priceClass}} {{workMs}} {{memStartMb}} {{memPeakMb}} {{arrivalMs}})");
  });
});

describe("the default request", () => {
  it("POSTs the invocation as JSON to the URL", () => {
    expect(defaultRoute(base).request(inv)).toEqual({
      origin: "http://127.0.0.1:8080",
      path: "/base/",
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"id":7,"fn":"resize img","app":"photos","tenant":"t1","priceClass":2,"workMs":12.5,"memPeakMb":256}',
    });
    expect(JSON.parse(defaultBody(inv))).toEqual({ id: 7, fn: "resize img", app: "photos", tenant: "t1", priceClass: 2, workMs: 12.5, memPeakMb: 256 });
  });
});

describe("FunctionMap", () => {
  const map = FunctionMap.fromJson(
    {
      "resize img": { url: "fn/{{fn}}?t={{tenant}}", method: "put", headers: { Authorization: "Bearer {{tenant}}" }, body: "n={{workMs}}" },
      thumb: { url: "http://127.0.0.1:9000/thumb", method: "GET" },
      "*": { url: "/other" },
    },
    "map.json",
    base,
  );

  it("renders a named function's entry, relative to the backend URL", () => {
    expect(map.route("resize img").request(inv)).toEqual({
      origin: "http://127.0.0.1:8080",
      path: "/base/fn/resize%20img?t=t1",
      method: "PUT",
      headers: { authorization: "Bearer t1", "content-type": "application/json" },
      body: "n=12.5",
    });
  });

  it("sends GET without a body, to its own origin", () => {
    expect(map.route("thumb").request(inv)).toEqual({ origin: "http://127.0.0.1:9000", path: "/thumb", method: "GET", headers: {}, body: undefined });
  });

  it('sends every other function to "*", with the default body', () => {
    expect(map.route("anything").request(inv)).toMatchObject({ origin: "http://127.0.0.1:8080", path: "/other", method: "POST", body: defaultBody(inv) });
    expect(map.origins().sort()).toEqual(["http://127.0.0.1:8080", "http://127.0.0.1:9000"]);
  });

  it('without "*", sends functions it does not name to the URL itself', () => {
    const partial = FunctionMap.fromJson({ a: { url: "/a" } }, "m.json", base);
    expect(partial.route("b").request(inv)).toEqual(defaultRoute(base).request(inv));
  });

  const bad: [string, unknown, string][] = [
    ["not an object", [], "function map m.json: must be a JSON object of function name → entry"],
    ["empty", {}, "function map m.json: has no entries"],
    ["entry not an object", { f: "http://x" }, 'function map m.json: entry "f": must be an object with "url" and optionally "method", "headers", "body"'],
    ["unknown key", { f: { url: "/", urll: "/" } }, 'function map m.json: entry "f": unknown key "urll" (allowed: url, method, headers, body)'],
    ["no url", { f: { method: "POST" } }, 'function map m.json: entry "f": "url" must be a non-empty string'],
    ["bad url", { f: { url: "http://[oops" } }, 'function map m.json: entry "f": "url" "http://[oops" is not a valid URL'],
    ["not http", { f: { url: "ftp://127.0.0.1/" } }, 'function map m.json: entry "f": "url" must be http or https (got ftp:)'],
    ["placeholder in the host", { f: { url: "http://{{fn}}.local/" } }, 'function map m.json: entry "f": "url" may use placeholders in its path and query only'],
    ["bad method", { f: { url: "/", method: "FETCH" } }, 'function map m.json: entry "f": "method" must be one of GET, POST, PUT, PATCH, DELETE (got "FETCH")'],
    ["GET with a body", { f: { url: "/", method: "GET", body: "x" } }, 'function map m.json: entry "f": a GET request cannot have a "body"'],
    ["body not a string", { f: { url: "/", body: { workMs: 1 } } }, 'function map m.json: entry "f": "body" must be a string template (got object)'],
    ["headers not an object", { f: { url: "/", headers: ["a"] } }, 'function map m.json: entry "f": "headers" must be an object of header name → string'],
    ["bad header name", { f: { url: "/", headers: { "a b": "1" } } }, 'function map m.json: entry "f": header name "a b" is not a valid HTTP header name'],
    ["header not a string", { f: { url: "/", headers: { a: 1 } } }, 'function map m.json: entry "f": header "a" must be a string (got number)'],
    ["unknown placeholder in the body", { f: { url: "/", body: "{{work}}" } }, 'function map m.json: entry "f": unknown placeholder {{work}}'],
    ["unknown placeholder in the url", { f: { url: "/{{nope}}" } }, 'function map m.json: entry "f": unknown placeholder {{nope}}'],
    ["unknown placeholder in a header", { "*": { url: "/", headers: { a: "{{x}}" } } }, 'function map m.json: entry "*": unknown placeholder {{x}}'],
  ];
  it.each(bad)("refuses %s with one line naming the file and the entry", (_name, json, message) => {
    let thrown: unknown;
    try {
      FunctionMap.fromJson(json, "m.json", base);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(FunctionMapError);
    expect((thrown as Error).message).toContain(message);
    expect((thrown as Error).message).not.toContain("\n");
  });

  const tempDir = useTempDirs();
  it("reads a file, keeps its digest, and names it when it is missing or not JSON", () => {
    const dir = tempDir();
    const good = join(dir, "good.json");
    writeFileSync(good, JSON.stringify({ f: { url: "/f" } }));
    expect(FunctionMap.load(good, base).digest).toMatch(/^[0-9a-f]{64}$/);
    const broken = join(dir, "broken.json");
    writeFileSync(broken, "{ f: ");
    expect(() => FunctionMap.load(broken, base)).toThrow(new RegExp(`^function map ${broken}: not valid JSON \\(`));
    expect(() => FunctionMap.load(join(dir, "missing.json"), base)).toThrow(`function map ${join(dir, "missing.json")}: cannot read it (ENOENT)`);
  });
});
