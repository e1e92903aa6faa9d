import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, test } from "vitest";
import { readmeCommands, shellWords, type ReadmeCommand } from "./readme-commands.ts";

const repo = fileURLToPath(new URL("../../", import.meta.url));
const cli = join(repo, "bin/xxbench.js");
const readme = readFileSync(join(repo, "README.md"), "utf8");
const scripts = (JSON.parse(readFileSync(join(repo, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;

/**
 * Commands the README shows that this test does not run, each with the reason. Everything else a
 * README ```sh block holds is run, in reading order, in one scratch folder that stands in for a
 * fresh clone (its `traces/` is the repository's): a README command that fails fails this test.
 */
const notRunHere: Readonly<Record<string, string>> = {
  "npm ci": "the install step: .ci/run runs it before this suite",
  "npm test": "this suite itself",
  "npm run bench": "the benchmarks: minutes of measurement, run by hand and quoted in closing notes",
};

describe("every command in the README works as written", () => {
  const cwd = mkdtempSync(join(tmpdir(), "xxbench-readme-"));
  symlinkSync(join(repo, "traces"), join(cwd, "traces"));
  // A README command ending in `&` is a server the next commands use: started like the user
  // would, read until its first line says it is ready, and stopped by pid after the last command.
  const background: ChildProcess[] = [];
  afterAll(async () => {
    for (const child of background) {
      if (child.exitCode !== null) continue;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    rmSync(cwd, { recursive: true, force: true });
  });
  async function startInBackground(words: readonly string[], step: string): Promise<void> {
    const argv = toNodeArgv(words);
    expect(argv, `README command "${step}" is neither run here nor listed with a reason`).not.toBeNull();
    const child = spawn(process.execPath, argv!, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    background.push(child);
    let output = "";
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`"${step}" printed no line within 60 s:\n${output}`)), 60_000);
      const onData = (chunk: Buffer): void => {
        output += chunk.toString();
        if (output.includes("\n")) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on("data", onData);
      child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`"${step}" exited (${code}) before it was ready:\n${output}`));
      });
    });
  }

  const steps: { command: ReadmeCommand; step: string }[] = [];
  for (const command of readmeCommands(readme)) {
    for (const step of command.text.split("&&").map((s) => s.trim())) steps.push({ command, step });
  }

  test("the README quotes commands", () => {
    expect(steps.length).toBeGreaterThan(10);
  });

  test.each(steps)("README line $command.line: $step", async ({ step }) => {
    if (notRunHere[step] !== undefined) return;
    const words = shellWords(step);
    if (words.at(-1) === "&") {
      await startInBackground(words.slice(0, -1), step);
      return;
    }
    const argv = toNodeArgv(words);
    expect(argv, `README command "${step}" is neither run here nor listed with a reason`).not.toBeNull();
    const result = spawnSync(process.execPath, argv!, { cwd, encoding: "utf8", timeout: 600_000 });
    const output = `${result.stdout}\n${result.stderr}`;
    expect(result.status, `"${step}" failed:\n${output.slice(-2000)}`).toBe(0);
    expect(output).not.toMatch(/internal error/);
  });
});

/** The node argv that runs a README command from a scratch folder. */
function toNodeArgv(words: readonly string[]): string[] | null {
  if (words[0] === "npx" && words[1] === "xxbench") return [cli, ...words.slice(2)];
  if (words[0] === "npm" && words[1] === "start") {
    // `npm start` is package.json's start script; run that script with the repository's entry point.
    const script = shellWords(scripts.start ?? "");
    if (script[0] !== "node" || script[1] !== "bin/xxbench.js") return null;
    return [cli, ...script.slice(2)];
  }
  return null;
}
