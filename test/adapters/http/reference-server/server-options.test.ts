import { availableParallelism } from "node:os";
import { describe, expect, it } from "vitest";
import { resolveReferenceServerOptions, type ReferenceServerInput } from "../../../../adapters/http/reference-server/server-options.ts";

describe("resolveReferenceServerOptions", () => {
  it("defaults: loopback:8080, one worker per core, 64 waiting per worker, cpu, mem-scale 0.1", () => {
    const cores = availableParallelism();
    expect(resolveReferenceServerOptions({})).toEqual({
      ok: true,
      options: { host: "127.0.0.1", port: 8080, workers: cores, queue: 64 * cores, workMode: "cpu", memScale: 0.1, maxWorkMs: 60_000, maxMemMb: 1024 },
    });
  });

  it.each<[string, ReferenceServerInput, number]>([
    ["scales with --workers", { workers: 3 }, 192],
    ["is taken as given", { workers: 3, queue: 5 }, 5],
    ["may be 0 (only as many requests as workers)", { workers: 2, queue: 0 }, 0],
  ])("the queue %s", (_name, input, queue) => {
    expect(resolveReferenceServerOptions(input)).toMatchObject({ ok: true, options: { queue } });
  });

  it.each<[string, ReferenceServerInput]>([
    ["the lowest values", { port: 0, workers: 1, queue: 0, memScale: 0, maxMemMb: 0, maxWorkMs: 0.001 }],
    ["the highest port and worker count", { port: 65535, workers: 1024 }],
    ["sleep mode and any host", { workMode: "sleep", host: "::1" }],
  ])("accepts %s", (_name, input) => {
    expect(resolveReferenceServerOptions(input)).toMatchObject({ ok: true, options: input });
  });

  it.each<[ReferenceServerInput, string[]]>([
    [{ port: 65536 }, ["--port must be an integer from 0 to 65535 (got 65536)"]],
    [{ workers: 1025 }, ["--workers must be an integer from 1 to 1024 (got 1025)"]],
    // Bad --workers alone: the queue's default is not reported as a second problem.
    [{ workers: -1 }, ["--workers must be an integer from 1 to 1024 (got -1)"]],
    [{ workers: 1.3 }, ["--workers must be an integer from 1 to 1024 (got 1.3)"]],
    [{ maxMemMb: -1 }, ["--max-mem-mb must be a number of MB ≥ 0 (got -1)"]],
    [{ port: -1 }, ["--port must be an integer from 0 to 65535 (got -1)"]],
    [{ port: 80.5 }, ["--port must be an integer from 0 to 65535 (got 80.5)"]],
    [{ workers: 0 }, ["--workers must be an integer from 1 to 1024 (got 0)"]],
    [{ workers: 1.5, queue: 2 }, ["--workers must be an integer from 1 to 1024 (got 1.5)"]],
    [{ queue: -1 }, ["--queue must be an integer ≥ 0 (got -1)"]],
    [{ workMode: "spin" }, ['--work-mode must be one of cpu, sleep (got "spin")']],
    [{ memScale: -0.1 }, ["--mem-scale must be a number ≥ 0 (got -0.1)"]],
    [{ maxWorkMs: 0 }, ["--max-work-ms must be a number of ms > 0 (got 0)"]],
    [{ maxMemMb: Number.POSITIVE_INFINITY }, ["--max-mem-mb must be a number of MB ≥ 0 (got Infinity)"]],
    [{ host: " " }, ["--host must not be empty"]],
    [
      { port: 99999, workers: 0, workMode: "x" },
      ["--port must be an integer from 0 to 65535 (got 99999)", "--workers must be an integer from 1 to 1024 (got 0)", '--work-mode must be one of cpu, sleep (got "x")'],
    ],
  ])("%j is refused with every problem", (input, errors) => {
    expect(resolveReferenceServerOptions(input)).toEqual({ ok: false, errors });
  });
});
