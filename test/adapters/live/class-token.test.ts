import { describe, expect, it } from "vitest";
import { ClassTokens } from "../../../adapters/live/class-token.ts";
import { bearerKey, TenantKeys } from "../../../adapters/live/tenant-keys.ts";

const key = Buffer.alloc(32, 7);

/** Changes one character in the middle of the signature: a whole 6-bit group, never just base64 padding bits. */
function flipSignatureChar(token: string): string {
  const at = token.length - 10;
  return `${token.slice(0, at)}${token[at] === "A" ? "B" : "A"}${token.slice(at + 1)}`;
}
const grant = { tenant: "tenant-0", cls: 2, invocation: 41 };

describe("ClassTokens: HMAC-signed, one call, own tenant, until expiry", () => {
  it("a good token grants its class once", () => {
    const tokens = new ClassTokens(key, 1000);
    const token = tokens.issue(grant, 5_000);
    expect(tokens.redeem(token, "tenant-0", 5_999)).toEqual({ ok: true, grant });
    expect(tokens.redeem(token, "tenant-0", 5_999)).toEqual({ ok: false, reason: "class token was already used (replayed)" });
  });

  it.each([
    ["at its expiry", (t: string) => t, "tenant-0", 6_000, "class token has expired"],
    ["by another tenant", (t: string) => t, "tenant-1", 5_500, "class token belongs to another tenant"],
    ["with a flipped signature byte", (t: string) => flipSignatureChar(t), "tenant-0", 5_500, "class token signature is not the gateway's (forged or altered)"],
    [
      "with a raised class under the old signature",
      (t: string) => {
        const [payload, signature] = t.split(".") as [string, string];
        const fields = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
        return `${Buffer.from(JSON.stringify({ ...fields, c: 3 })).toString("base64url")}.${signature}`;
      },
      "tenant-0",
      5_500,
      "class token signature is not the gateway's (forged or altered)",
    ],
    ["without a signature", (t: string) => t.split(".")[0]!, "tenant-0", 5_500, "class token is malformed"],
  ])("is refused %s", (_name, alter, tenant, now, reason) => {
    const tokens = new ClassTokens(key, 1000);
    expect(tokens.redeem(alter(tokens.issue(grant, 5_000)), tenant, now)).toEqual({ ok: false, reason });
  });

  it("a token signed with another key (another gateway) is refused; a refused attempt does not spend a good token", () => {
    const other = new ClassTokens(Buffer.alloc(32, 8), 1000);
    const tokens = new ClassTokens(key, 1000);
    expect(tokens.redeem(other.issue(grant, 0), "tenant-0", 1).ok).toBe(false);
    const token = tokens.issue(grant, 0);
    expect(tokens.redeem(token, "tenant-1", 1).ok).toBe(false);
    expect(tokens.redeem(token, "tenant-0", 1).ok).toBe(true);
  });
});

describe("TenantKeys", () => {
  it("maps each key to its tenant and nothing else", () => {
    const keys = TenantKeys.fresh(["a", "b"]);
    expect(keys.tenantOf(keys.keys.a!)).toBe("a");
    expect(keys.tenantOf(keys.keys.b!)).toBe("b");
    expect(keys.tenantOf(`${keys.keys.a!}x`)).toBeUndefined();
    expect(keys.keys.a).not.toBe(keys.keys.b);
  });

  it.each([
    ["Bearer abc", "abc"],
    ["bearer  abc ", "abc"],
    ["Basic abc", undefined],
    ["Bearer", undefined],
    ["Bearer a b", undefined],
    [undefined, undefined],
  ])("bearerKey(%j) = %j", (header, expected) => {
    expect(bearerKey(header)).toBe(expected);
  });
});
