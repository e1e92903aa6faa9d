/**
 * Join keys. Functions are keyed by the triple and apps by (owner, app), as FORMATS.md advises:
 * hashes are salted per column, so a bare HashFunction or HashApp is not guaranteed unique.
 */
export function functionKey(owner: string, app: string, fn: string): string {
  return `${owner}/${app}/${fn}`;
}

export function appKey(owner: string, app: string): string {
  return `${owner}/${app}`;
}
