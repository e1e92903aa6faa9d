/**
 * How a chain member triggers the next one, with the median delay from the trigger call to the
 * triggered function's start that seed 003 measured on AWS over 20k runs (Table 1, "Trigger
 * overhead"; cold starts avoided). That delay is the window a platform has to freshen the next
 * function once it knows the call is coming.
 */
export const triggerDelaysMs = {
  "step-functions": 64,
  direct: 60,
  sns: 253,
  s3: 1282,
} as const satisfies Record<string, number>;

export type TriggerKind = keyof typeof triggerDelaysMs;

export const triggerKinds = Object.keys(triggerDelaysMs) as TriggerKind[];

export function isTriggerKind(name: string): name is TriggerKind {
  return Object.hasOwn(triggerDelaysMs, name);
}
