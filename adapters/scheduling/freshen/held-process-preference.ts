/**
 * Where a predicted call should run when one machine holds a process freshened for it (seed 003:
 * freshen runs "on the machine that will run it"; with several machines the placement must keep
 * that promise). A machine agent tells the shards it holds a freshened process for (tenant,
 * function) for `holdMs`; a shard then places that function's next call there instead of by its
 * own pick rule, as long as the hold lasts and the machine can start the call at once.
 */
export interface FreshenHold {
  readonly machine: number;
  /** The hold ends here, ms on the deciding shard's clock (exclusive). */
  readonly untilMs: number;
  /** The machine's cores, as its agent reported them with the hold. */
  readonly cores: number;
}

/** What a hold is kept under, by agents and shards alike: one tenant's function. */
export const freshenHoldKey = (tenant: string, fn: string): string => `${tenant}\0${fn}`;

/** What the shard knows of the holding machine when it places. */
export interface HoldingMachineView {
  /** Registered and not reported down. */
  readonly up: boolean;
  /** Functions on it (its last report plus placements since): the shard's power-of-k load. */
  readonly load: number;
}

/** No preference: the shard's own pick rule places the call. */
export const noPreference = -1;

/**
 * The machine to place the call on, or `noPreference`. The hold is honoured only while it is
 * valid (strictly before `untilMs`, as the agent gives the process back then), the machine is up,
 * and it has a free core (load < cores): a call that would queue behind a full machine loses more
 * than the prefetch saves, so then the pick rule decides (the freshen is billed as unused).
 */
export function preferHeldMachine(hold: FreshenHold | undefined, nowMs: number, machine: HoldingMachineView | undefined): number {
  if (hold === undefined || machine === undefined) return noPreference;
  if (!(nowMs < hold.untilMs)) return noPreference;
  if (!machine.up || !(machine.load < hold.cores)) return noPreference;
  return hold.machine;
}
