import { randomBytes, timingSafeEqual, createHash } from "node:crypto";

/**
 * The tenants' API keys. Keys are secrets (from the OS's CSPRNG, not the run's seeded PRNG: no
 * result depends on them); the gateway looks a presented key up by its SHA-256, so lookup time
 * does not depend on how much of a key matched.
 */
export class TenantKeys {
  private readonly byDigest = new Map<string, string>();

  constructor(readonly keys: Readonly<Record<string, string>>) {
    for (const [tenant, key] of Object.entries(keys)) this.byDigest.set(digest(key), tenant);
  }

  /** `tenant-0` … `tenant-(n-1)`: the synthetic trace's tenant names, each with a fresh key. */
  static fresh(tenants: readonly string[]): TenantKeys {
    return new TenantKeys(Object.fromEntries(tenants.map((t) => [t, `xxk_${randomBytes(18).toString("base64url")}`])));
  }

  /** The tenant whose key is `key`, or undefined. */
  tenantOf(key: string): string | undefined {
    const d = digest(key);
    const tenant = this.byDigest.get(d);
    if (tenant === undefined) return undefined;
    // The map matched on the digest; compare the keys themselves in constant time as well.
    const own = Buffer.from(this.keys[tenant]!);
    const given = Buffer.from(key);
    return own.length === given.length && timingSafeEqual(own, given) ? tenant : undefined;
  }
}

function digest(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

/** The key of an `authorization: Bearer KEY` header, or undefined. */
export function bearerKey(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}
