const group = "Network backends (http:URL):";

/** `replay`'s spending guard for `lambda:` backends (harness/lambda/cost-guard.ts). */
export const maxCostFlags = {
  "max-cost": { type: "number", describe: "Refuse to start when the lambda: runs are estimated to cost more than this many USD (see xxbench lambda plan)", group },
  "accept-cost": { type: "boolean", default: false, describe: "Start even past --max-cost", group },
} as const;

export interface MaxCostArgs {
  readonly "max-cost"?: number;
  readonly "accept-cost"?: boolean;
}
