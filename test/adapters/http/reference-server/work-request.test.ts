import { describe, expect, it } from "vitest";
import { parseWorkRequest } from "../../../../adapters/http/reference-server/work-request.ts";

const limits = { maxWorkMs: 1000, memScale: 0.1, maxMemMb: 50 };

describe("parseWorkRequest", () => {
  it.each([
    ["the full body of a trace invocation", '{"id":"i1","fn":"f","app":"a","tenant":"t","priceClass":2,"workMs":120.5,"memPeakMb":300}', { id: "i1", workMs: 120.5, memPeakMb: 300 }, 30],
    ["a numeric id, no memory", '{"id":9,"workMs":0}', { id: 9, workMs: 0, memPeakMb: 0 }, 0],
    ["no id", '{"workMs":10}', { id: null, workMs: 10, memPeakMb: 0 }, 0],
    ["memPeakMb null", '{"id":1,"workMs":10,"memPeakMb":null}', { id: 1, workMs: 10, memPeakMb: 0 }, 0],
    ["a null id and a zero memory peak", '{"id":null,"workMs":1,"memPeakMb":0}', { id: null, workMs: 1, memPeakMb: 0 }, 0],
    ["exactly at the limits", '{"id":1,"workMs":1000,"memPeakMb":500}', { id: 1, workMs: 1000, memPeakMb: 500 }, 50],
  ])("accepts %s", (_name, body, request, memMb) => {
    expect(parseWorkRequest(body, limits)).toEqual({ ok: true, request, memMb });
  });

  it.each([
    ["empty body", "", 'body is not JSON (got "")'],
    ["truncated JSON", '{"workMs":', 'body is not JSON (got "{\\"workMs\\":")'],
    ["a JSON array", "[]", 'body must be a JSON object like {"id":1,"workMs":100} (got "[]")'],
    ["a JSON number", " 5 ", 'body must be a JSON object like {"id":1,"workMs":100} (got "5")'],
    ["a string memory peak", '{"workMs":1,"memPeakMb":"9"}', 'memPeakMb must be a number of MB ≥ 0 (got "9")'],
    ["JSON null", "null", 'body must be a JSON object like {"id":1,"workMs":100} (got "null")'],
    ["no workMs", '{"id":1}', "workMs is required: the work to execute, in ms"],
    ["workMs as text", '{"workMs":"5"}', 'workMs must be a number of ms ≥ 0 (got "5")'],
    ["negative workMs", '{"workMs":-1}', "workMs must be a number of ms ≥ 0 (got -1)"],
    ["workMs above the cap", '{"workMs":1000.5}', "workMs 1000.5 is above this server's --max-work-ms 1000"],
    ["an object id", '{"id":{},"workMs":1}', "id must be a string or a number (got {})"],
    ["negative memory", '{"workMs":1,"memPeakMb":-3}', "memPeakMb must be a number of MB ≥ 0 (got -3)"],
    ["memory above the cap once scaled", '{"workMs":1,"memPeakMb":510}', "memPeakMb 510 × --mem-scale 0.1 = 51 MB is above this server's --max-mem-mb 50"],
  ])("refuses %s", (_name, body, reason) => {
    expect(parseWorkRequest(body, limits)).toEqual({ ok: false, reason });
  });

  it("quotes at most 60 characters of a bad body, on one line", () => {
    const result = parseWorkRequest(`x${"\n".repeat(3)}${"y".repeat(100)}`, limits);
    expect(result).toEqual({ ok: false, reason: `body is not JSON (got "x ${"y".repeat(58)}…")` });
  });

  it("quotes a body of exactly 60 characters whole", () => {
    expect(parseWorkRequest("z".repeat(60), limits)).toEqual({ ok: false, reason: `body is not JSON (got "${"z".repeat(60)}")` });
  });

  it("--mem-scale 0 grows no memory whatever the peak", () => {
    expect(parseWorkRequest('{"workMs":1,"memPeakMb":1e6}', { ...limits, memScale: 0 })).toMatchObject({ ok: true, memMb: 0 });
  });
});
