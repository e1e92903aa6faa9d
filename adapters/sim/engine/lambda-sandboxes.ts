/**
 * Lambda's execution environments (sandboxes) as the simulator models them: an invocation takes
 * a warm idle sandbox if one was released within the keep-alive, else a new one starts cold.
 * The most recently released is reused first, so the rest age out (AWS does not document its
 * choice; reusing the freshest keeps the fewest warm, as a provider wants).
 */
export class LambdaSandboxes {
  /** Idle sandboxes, oldest release first: [id, releasedAtMs]. */
  private readonly idle: { id: number; releasedMs: number }[] = [];
  private created = 0;
  coldStarts = 0;

  constructor(private readonly keepAliveMs: number) {}

  /** A sandbox for an invocation at `now`, and whether it starts cold. */
  acquire(now: number): { readonly id: number; readonly cold: boolean } {
    // Drop the ones idle past the keep-alive: they are the oldest, at the front.
    let expired = 0;
    while (expired < this.idle.length && now - this.idle[expired]!.releasedMs > this.keepAliveMs) expired++;
    if (expired > 0) this.idle.splice(0, expired);
    const warm = this.idle.pop();
    if (warm !== undefined) return { id: warm.id, cold: false };
    this.coldStarts++;
    return { id: this.created++, cold: true };
  }

  release(id: number, now: number): void {
    this.idle.push({ id, releasedMs: now });
  }

  /** Sandboxes ever started. */
  get sandboxes(): number {
    return this.created;
  }
}
