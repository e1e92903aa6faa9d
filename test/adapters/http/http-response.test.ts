import { describe, expect, it } from "vitest";
import { classifyResponse, serverTimings, type ResponseHeaders } from "../../../adapters/http/http-response.ts";
import type { InvokeResult } from "../../../adapters/network/invoker.ts";
import { connectionErrorText } from "../../../adapters/network/connection-error.ts";

describe("classifyResponse: what an HTTP answer means", () => {
  const cases: [string, number, ResponseHeaders, string, InvokeResult][] = [
    ["200 with the reference server's headers and cpuMs", 200, { "x-queue-ms": "1.250", "x-exec-ms": "100.5" }, '{"id":1,"cpuMs":99.75}', { status: "ok", httpStatus: 200, serverQueueMs: 1.25, serverExecMs: 100.5, cpuMs: 99.75 }],
    ["204 with no body", 204, {}, "", { status: "ok", httpStatus: 204 }],
    ["200 with a body that is not JSON", 200, {}, "{not json, cpuMs", { status: "ok", httpStatus: 200 }],
    ["200 with a negative cpuMs: ignored", 200, {}, '{"cpuMs":-1}', { status: "ok", httpStatus: 200 }],
    ["299 is ok", 299, {}, "fine", { status: "ok", httpStatus: 299 }],
    ["429 is throttled, with the body's first line", 429, {}, "queue full: 1 workers busy\nmore", { status: "throttled", httpStatus: 429, error: "HTTP 429: queue full: 1 workers busy" }],
    ["503 failed", 503, { "x-queue-ms": "3" }, "shutting down\n", { status: "failed", httpStatus: 503, serverQueueMs: 3, error: "HTTP 503: shutting down" }],
    ["404 failed with an empty body", 404, {}, "  ", { status: "failed", httpStatus: 404, error: "HTTP 404" }],
    ["302 is not ok either", 302, {}, "", { status: "failed", httpStatus: 302, error: "HTTP 302" }],
    ["500 with a long line: cut at 200 characters", 500, {}, "x".repeat(300), { status: "failed", httpStatus: 500, error: `HTTP 500: ${"x".repeat(200)}…` }],
  ];
  it.each(cases)("%s", (_name, code, headers, body, expected) => expect(classifyResponse(code, headers, body)).toEqual(expected));
});

describe("serverTimings: the target's own queue and execution times", () => {
  const cases: [string, ResponseHeaders, Partial<ReturnType<typeof serverTimings>>][] = [
    ["none", {}, {}],
    ["x- headers", { "x-queue-ms": "0.041", "x-exec-ms": "102.144" }, { serverQueueMs: 0.041, serverExecMs: 102.144 }],
    ["Server-Timing", { "server-timing": 'queue;dur=2.5, exec;desc="run";dur=40, db;dur=3' }, { serverQueueMs: 2.5, serverExecMs: 40 }],
    ["Server-Timing with one metric", { "server-timing": "exec;dur=7" }, { serverExecMs: 7 }],
    ["the x- header wins over Server-Timing", { "x-exec-ms": "5", "server-timing": "exec;dur=7, queue;dur=1" }, { serverQueueMs: 1, serverExecMs: 5 }],
    ["not numbers: left out", { "x-queue-ms": "soon", "x-exec-ms": "", "server-timing": "queue;dur=abc" }, {}],
    ["negative: left out", { "x-queue-ms": "-1" }, {}],
    ["repeated Server-Timing headers", { "server-timing": ["queue;dur=1", "exec;dur=2"] }, { serverQueueMs: 1, serverExecMs: 2 }],
  ];
  it.each(cases)("%s", (_name, headers, expected) => expect(serverTimings(headers)).toEqual(expected));
});

describe("connectionErrorText: one line for a request without an answer", () => {
  const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" });
  const refused6 = Object.assign(new Error("connect ECONNREFUSED ::1:9"), { code: "ECONNREFUSED" });
  const cases: [string, unknown, string][] = [
    ["refused", refused, "ECONNREFUSED 127.0.0.1:9"],
    ["undici's closed socket", Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" }), "other side closed (UND_ERR_SOCKET)"],
    ["a code and no message", Object.assign(new Error(""), { code: "ECONNRESET" }), "ECONNRESET"],
    ["happy eyeballs: every address tried", new AggregateError([refused6, refused], ""), "ECONNREFUSED ::1:9; ECONNREFUSED 127.0.0.1:9"],
    ["not an Error", "boom", "boom"],
  ];
  it.each(cases)("%s", (_name, error, expected) => expect(connectionErrorText(error)).toBe(expected));
});
