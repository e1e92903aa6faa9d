/**
 * Price classes are inherited along call chains (seed 000 §3.1): a function called from a
 * higher-class function runs at that higher class, so a chain never waits on its own cheapest
 * link (priority inversion). The class each invocation ran at is remembered in a ring indexed by
 * invocation id: callers arrive shortly before their callees, so a ring of 2^20 recent ids covers
 * chains of any realistic length; a caller older than that counts as a miss and its callee keeps
 * its own class.
 */
export class ClassInheritance {
  private readonly ranClassPlusOne = new Int8Array(1 << 20);
  private readonly ownerId = new Float64Array(1 << 20).fill(-1);
  misses = 0;
  inherited = 0;

  /** The class an invocation runs at by inheritance: its own, or its caller's if higher. */
  inheritedClass(ownClass: number, parentId: number | undefined): number {
    if (parentId === undefined) return ownClass;
    const at = parentId & 0xfffff;
    if (this.ownerId[at] !== parentId) {
      this.misses++;
      return ownClass;
    }
    const parentClass = this.ranClassPlusOne[at]! - 1;
    if (parentClass <= ownClass) return ownClass;
    this.inherited++;
    return parentClass;
  }

  /** Remembers the class an invocation finally ran at, for the calls it makes. */
  record(id: number, ranClass: number): void {
    const at = id & 0xfffff;
    this.ownerId[at] = id;
    this.ranClassPlusOne[at] = ranClass + 1;
  }
}
