import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const projectRoot = fileURLToPath(new URL("../../", import.meta.url));

/** Where the code that produced a run came from: enough to check out and rerun it. */
export interface Provenance {
  readonly package: string;
  readonly version: string;
  readonly gitCommit: string | null;
  readonly gitDirty: boolean | null;
  readonly node: string;
  readonly platform: string;
}

let cached: Provenance | undefined;

export function provenance(): Provenance {
  if (cached) return cached;
  const pkg = JSON.parse(readFileSync(`${projectRoot}package.json`, "utf8")) as { name: string; version: string };
  let gitCommit: string | null = null;
  let gitDirty: boolean | null = null;
  try {
    const git = (args: string[]): string =>
      execFileSync("git", args, { cwd: projectRoot, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    gitCommit = git(["rev-parse", "HEAD"]);
    gitDirty = git(["status", "--porcelain", "--untracked-files=no"]).length > 0;
  } catch {
    // Not a git checkout (e.g. installed from a tarball): the package version is then the reference.
  }
  cached = { package: pkg.name, version: pkg.version, gitCommit, gitDirty, node: process.version, platform: `${process.platform}-${process.arch}` };
  return cached;
}

/** Everything needed to reproduce one run: code, trace, backend, seed. */
export interface RunManifest {
  readonly provenance: Provenance;
  readonly seed: number;
  readonly trace: { readonly kind: string; readonly spec: unknown };
  readonly backend: { readonly id: string; readonly config: unknown };
  /** The command line that started the run, when there was one. */
  readonly command?: readonly string[];
  /** Filled in when the run completes. */
  readonly stream?: { readonly digest: string; readonly invocations: number; readonly lastArrivalMs: number };
  readonly summary?: unknown;
}
