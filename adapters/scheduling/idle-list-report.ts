/**
 * What a machine's dispatcher tells a shard about the machine's entry in the shard's idle list
 * (seed 000 §3.2): join with these values, rewrite them, or leave. In the simulator it is handed
 * over at once; the live plane sends it as a message from the machine agent to the shard.
 */
export interface IdleListReport {
  readonly kind: "join" | "update" | "leave";
  readonly machine: number;
  /** The shard whose list the report is for. */
  readonly shard: number;
  /** Free memory (MB) the entry records; unused by `leave`. */
  readonly freeMb: number;
  /** Functions on the machine the entry records; unused by `leave`. */
  readonly functions: number;
}
