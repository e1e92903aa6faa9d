import type { Invocation } from "../../../traces/invocation.ts";
import type { Simulation } from "../engine/simulation.ts";
import type { FreshenModel } from "./freshen-model.ts";

/**
 * Feeds the simulation a trigger delay behind the stream, so freshen can be launched ahead of a
 * call: an invocation is read (and its freshen planned) as soon as it is in the stream, and
 * enters the simulation only once every invocation up to `maxLeadMs` after it has been read.
 * The clock therefore never passes a launch that a later read could still plan. Holds at most
 * the invocations of one `maxLeadMs` window.
 */
export class FreshenLookahead {
  private readonly buffer: Invocation[] = [];
  private head = 0;

  constructor(
    private readonly simulation: Simulation,
    private readonly model: FreshenModel,
  ) {}

  offer(inv: Invocation): void {
    this.model.predict(inv);
    this.buffer.push(inv);
    this.releaseUpTo(inv.arrivalMs - this.model.maxLeadMs);
  }

  /** The stream ended: everything read enters, then the simulation drains. */
  finish(): void {
    this.releaseUpTo(Number.POSITIVE_INFINITY);
    this.simulation.finish();
  }

  private releaseUpTo(t: number): void {
    const buffer = this.buffer;
    while (this.head < buffer.length && buffer[this.head]!.arrivalMs <= t) this.simulation.arrive(buffer[this.head++]!);
    // Drop the released prefix now and then, so the buffer holds one window, not the stream.
    if (this.head > 4096 && this.head * 2 > buffer.length) {
      buffer.splice(0, this.head);
      this.head = 0;
    }
  }
}
