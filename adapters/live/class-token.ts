import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/** What a class token grants: calls made by `tenant`'s invocation `invocation` run at least at `cls`. */
export interface ClassGrant {
  readonly tenant: string;
  readonly cls: number;
  readonly invocation: number;
}

export type TokenCheck = { ok: true; grant: ClassGrant } | { ok: false; reason: string };

/** Tokens remembered as used, at most; older ones expire before they could be replayed anyway. */
const maxRemembered = 1 << 20;

/**
 * Class inheritance across calls that the caller cannot forge (seed 000 §3.1): the gateway hands
 * each invocation a token naming its tenant and the class it ran at, signed with a key only the
 * gateway holds (HMAC-SHA256). A call presenting it runs at least at that class. A token admits
 * one call, once (its nonce is remembered until it expires), only for its own tenant, and only
 * until it expires: a forged, altered, replayed, borrowed or stale token is refused.
 */
export class ClassTokens {
  private readonly used = new Map<string, number>();

  constructor(
    private readonly key: Buffer,
    private readonly ttlMs: number,
  ) {}

  static withFreshKey(ttlMs: number): ClassTokens {
    return new ClassTokens(randomBytes(32), ttlMs);
  }

  issue(grant: ClassGrant, nowMs: number): string {
    const payload = Buffer.from(
      JSON.stringify({ t: grant.tenant, c: grant.cls, i: grant.invocation, e: Math.round(nowMs + this.ttlMs), n: randomBytes(12).toString("base64url") }),
    ).toString("base64url");
    return `${payload}.${this.sign(payload)}`;
  }

  /** Checks a presented token for `tenant` and, if it is good, spends it. */
  redeem(token: string, tenant: string, nowMs: number): TokenCheck {
    const dot = token.indexOf(".");
    if (dot < 0 || token.length > 1024) return { ok: false, reason: "class token is malformed" };
    const payload = token.slice(0, dot);
    const given = Buffer.from(token.slice(dot + 1), "base64url");
    const expected = Buffer.from(this.sign(payload), "base64url");
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: "class token signature is not the gateway's (forged or altered)" };
    let fields: { t?: unknown; c?: unknown; i?: unknown; e?: unknown; n?: unknown };
    try {
      fields = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as typeof fields;
    } catch {
      return { ok: false, reason: "class token is malformed" };
    }
    const { t, c, i, e, n } = fields;
    if (typeof t !== "string" || typeof c !== "number" || typeof i !== "number" || typeof e !== "number" || typeof n !== "string") return { ok: false, reason: "class token is malformed" };
    if (t !== tenant) return { ok: false, reason: "class token belongs to another tenant" };
    if (e <= nowMs) return { ok: false, reason: "class token has expired" };
    if (this.used.has(n)) return { ok: false, reason: "class token was already used (replayed)" };
    this.remember(n, e, nowMs);
    return { ok: true, grant: { tenant: t, cls: c, invocation: i } };
  }

  private remember(nonce: string, expiresMs: number, nowMs: number): void {
    if (this.used.size >= maxRemembered) {
      // Insertion order is issue-time order within a TTL: drop the expired from the front.
      for (const [n, e] of this.used) {
        if (e > nowMs && this.used.size < maxRemembered) break;
        this.used.delete(n);
      }
    }
    this.used.set(nonce, expiresMs);
  }

  private sign(payload: string): string {
    return createHmac("sha256", this.key).update(payload).digest("base64url");
  }
}
