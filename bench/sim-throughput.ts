// One measurement per process, so peak RSS belongs to this configuration alone.
// Usage: node --import tsx bench/sim-throughput.ts <policy|generator> <invocations> [memory]
// "memory" turns on the memory model as in the seeds' memory experiment: 32 GB RAM, idle list.
import { SimBackend } from "../adapters/sim/sim-backend.ts";
import { simDefaults } from "../adapters/sim/sim-config.ts";
import { isSimPolicyName } from "../adapters/sim/policies/index.ts";
import type { OutcomeSink } from "../adapters/backend.ts";
import { bimodalWeights, syntheticDefaults } from "../traces/synthetic/synthetic-config.ts";
import { syntheticTrace } from "../traces/synthetic/synthetic-trace.ts";

const [policy = "xx", count = "1000000", memory] = process.argv.slice(2);
const memoryConfig = memory === "memory" ? { ramMb: 32 * 1024, idleList: true } : {};
const invocations = Number(count);
const trace = syntheticTrace({ ...syntheticDefaults, invocations, classWeights: bimodalWeights(4), phases: [{ tick: 0, load: 0.9 }] });

let outcomes = 0;
const countingSink: OutcomeSink = {
  outcome: () => void outcomes++,
  sample: () => undefined,
  classSample: () => undefined,
};

const started = performance.now();
let events = invocations;
if (policy === "generator") {
  for await (const batch of trace.open()) outcomes += batch.length;
} else {
  if (!isSimPolicyName(policy)) throw new Error(`unknown policy ${policy}`);
  const summary = await new SimBackend(policy, { ...simDefaults, ...memoryConfig, seed: 1 }, trace.prices).run(trace.open(), countingSink, new AbortController().signal);
  events = summary.counters.events!;
}
const seconds = (performance.now() - started) / 1000;
if (outcomes !== invocations) throw new Error(`${outcomes} outcomes for ${invocations} invocations`);
process.stdout.write(
  JSON.stringify({ policy, invocations, seconds, perSecond: invocations / seconds, eventsPerSecond: events / seconds, maxRssMb: process.resourceUsage().maxRSS / 1024 }),
);
