import { describe, expect, it } from "vitest";
import { readAzure2019 } from "../../traces/azure2019/azure2019-trace.ts";
import { readAzure2021 } from "../../traces/azure2021/azure2021-trace.ts";
import { defaultBatchSize, type Invocation, type StreamOptions, type TraceSource } from "../../traces/invocation.ts";
import { withRealTraceDefaults } from "../../traces/real-trace-options.ts";
import { bimodalWeights, syntheticDefaults } from "../../traces/synthetic/synthetic-config.ts";
import { syntheticTrace } from "../../traces/synthetic/synthetic-trace.ts";
import { limitedTrace } from "../../traces/transforms/stream-limit.ts";
import { sample10, sample2021 } from "./support/samples.ts";

async function read(source: TraceSource, options?: StreamOptions): Promise<{ invocations: Invocation[]; sizes: number[] }> {
  const invocations: Invocation[] = [];
  const sizes: number[] = [];
  for await (const batch of source.open(options)) {
    sizes.push(batch.length);
    invocations.push(...batch);
  }
  return { invocations, sizes };
}

const sources: [string, () => Promise<TraceSource>][] = [
  ["synthetic", async () => syntheticTrace({ ...syntheticDefaults, classWeights: bimodalWeights(4), durationMs: 20_000, cores: 80 })],
  ["azure2019 (10 functions)", async () => readAzure2019(sample10, withRealTraceDefaults({ fromMinute: 600, minutes: 30 }))],
  ["azure2021 (the 998-row head)", async () => readAzure2021(sample2021, withRealTraceDefaults({ classes2021: 2, memory2021Mb: 256 }))],
  ["a limited synthetic stream", async () => limitedTrace(syntheticTrace({ ...syntheticDefaults, classWeights: bimodalWeights(4), durationMs: 20_000, cores: 80 }), { invocations: 5000 })],
];

describe("StreamOptions.batchSize: the same invocations, in smaller batches", () => {
  it.each(sources)("%s", async (_name, make) => {
    const source = await make();
    const whole = await read(source);
    expect(whole.invocations.length).toBeGreaterThan(600);
    expect(Math.max(...whole.sizes)).toBeLessThanOrEqual(defaultBatchSize);
    for (const batchSize of [256, 1]) {
      const small = await read(source, { batchSize });
      expect(small.invocations).toEqual(whole.invocations);
      // Every batch but the last is full: the size is kept, not just bounded.
      expect(small.sizes.slice(0, -1).every((n) => n === batchSize)).toBe(true);
      expect(small.sizes.at(-1)!).toBeLessThanOrEqual(batchSize);
    }
  });
});
