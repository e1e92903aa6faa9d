import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useTempDirs } from "../support/temp-dir.ts";

const tempDir = useTempDirs();
const script = readFileSync(new URL("../../.ci/ensure-browser.sh", import.meta.url), "utf8");

interface Machine {
  readonly dir: string;
  readonly chromium: string;
  readonly font: string;
  readonly aptLog: string;
}

/**
 * A copy of npm's pretest script pointed at files in a temp dir, with `id` and `apt-get` stubbed
 * first on PATH: the machine's own Chromium and apt are never touched.
 */
function machine(has: { chromium: boolean; font: boolean }, uid: number, apt: "installs" | "fails"): Machine {
  const dir = tempDir();
  const chromium = join(dir, "chromium");
  const font = join(dir, "DejaVuSans.ttf");
  const aptLog = join(dir, "apt-calls");
  const bin = join(dir, "bin");
  mkdirSync(bin);
  const executable = (path: string, text: string): void => {
    writeFileSync(path, text);
    chmodSync(path, 0o755);
  };
  if (has.chromium) executable(chromium, "#!/bin/sh\n");
  if (has.font) writeFileSync(font, "");
  executable(join(bin, "id"), `#!/bin/sh\necho ${uid}\n`);
  const install = apt === "installs" ? `case "$*" in *" install "*) printf '#!/bin/sh\\n' > ${chromium}; chmod +x ${chromium}; : > ${font};; esac\n` : "exit 100\n";
  executable(join(bin, "apt-get"), `#!/bin/sh\necho "$*" >> ${aptLog}\n${install}`);
  writeFileSync(join(dir, "ensure-browser.sh"), script.replaceAll("/usr/bin/chromium", chromium).replaceAll("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", font));
  return { dir, chromium, font, aptLog };
}

function run(m: Machine, env: Record<string, string> = {}): { code: number | null; stdout: string; stderr: string } {
  const { CHROMIUM_PATH: _ignored, ...inherited } = process.env;
  const r = spawnSync("bash", [join(m.dir, "ensure-browser.sh")], {
    env: { ...inherited, PATH: `${join(m.dir, "bin")}:${process.env.PATH ?? ""}`, TMPDIR: m.dir, ...env },
    encoding: "utf8",
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const aptCalls = (m: Machine): string[] => (existsSync(m.aptLog) ? readFileSync(m.aptLog, "utf8").trim().split("\n") : []);

describe("npm test's pretest (.ci/ensure-browser.sh)", () => {
  it("passes silently when Chromium and the font are there, and runs no apt", () => {
    const m = machine({ chromium: true, font: true }, 0, "installs");
    expect(run(m)).toEqual({ code: 0, stdout: "", stderr: "" });
    expect(aptCalls(m)).toEqual([]);
  });

  it("takes CHROMIUM_PATH over /usr/bin/chromium", () => {
    const m = machine({ chromium: false, font: true }, 1000, "installs");
    const elsewhere = join(m.dir, "bin", "id"); // any executable
    expect(run(m, { CHROMIUM_PATH: elsewhere }).code).toBe(0);
  });

  it.each([
    { has: { chromium: false, font: true }, names: "Chromium at CHROMIUM" },
    { has: { chromium: true, font: false }, names: "the DejaVu Sans font (FONT)" },
    { has: { chromium: false, font: false }, names: "Chromium at CHROMIUM and the DejaVu Sans font (FONT)" },
  ])("when not root, says in one line what is missing ($names) and how to install it", ({ has, names }) => {
    const m = machine(has, 1000, "installs");
    const r = run(m);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `npm test needs ${names.replace("CHROMIUM", m.chromium).replace("FONT", m.font)}: apt-get install chromium fonts-dejavu-core as root (Debian/Ubuntu), or set CHROMIUM_PATH to a Chromium executable and install the DejaVu Sans font\n`,
    );
    expect(aptCalls(m)).toEqual([]);
  });

  it("refuses a CHROMIUM_PATH that is not an executable instead of installing another browser", () => {
    const m = machine({ chromium: false, font: true }, 0, "installs");
    const r = run(m, { CHROMIUM_PATH: join(m.dir, "nope") });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toEqual([expect.stringContaining(`CHROMIUM_PATH=${join(m.dir, "nope")} is not an executable file`)]);
    expect(aptCalls(m)).toEqual([]);
  });

  it("as root, installs Debian's chromium and fonts with apt-get and one progress line", () => {
    const m = machine({ chromium: false, font: false }, 0, "installs");
    const r = run(m);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toEqual(["npm test: installing chromium and fonts-dejavu-core with apt-get for the browser test (once; about a minute)..."]);
    expect(aptCalls(m)).toEqual([
      "-o DPkg::Lock::Timeout=300 update -qq",
      "-o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends chromium fonts-dejavu-core",
    ]);
  });

  it("as root, fails in one line naming apt's output when apt-get fails", () => {
    const m = machine({ chromium: false, font: true }, 0, "fails");
    const r = run(m);
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toHaveLength(2); // the progress line, then the failure
    expect(lines[1]).toMatch(new RegExp(`^npm test: apt-get could not install chromium and fonts-dejavu-core \\(its output: ${m.dir}/xxbench-apt-\\w+\\.log\\)`));
  });
});
