import { openTraceSpec, withRealTraceDefaults } from "./traces/trace-spec.ts";
const src = await openTraceSpec("azure2021:/work/shared/traces/invitro-azure2021-head/AzureFunctionsInvocationTraceForTwoWeeksJan2021.csv", withRealTraceDefaults({ sample: 10, targetLoad: 0.5, cores: 8 }));
let n = 0, last = -1, bad = 0;
for await (const b of src.open()) for (const inv of b) { if (inv.arrivalMs < last) bad++; last = inv.arrivalMs; n++; }
console.log(src.expectedInvocations, n, bad, JSON.stringify(src.spec, null, 1).slice(0, 3000));
