import { spawn } from "node:child_process";

export interface ChildServer {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Starts a benchmark's loopback server as a child process, so the measured client has its own core,
 * and waits for its `listening on URL` line (30 s at most).
 */
export async function startChildServer(script: string, name: string): Promise<ChildServer> {
  const child = spawn(process.execPath, ["--import", "tsx", script], { stdio: ["ignore", "pipe", "inherit"] });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`${name} printed no URL within 30 s`)), 30_000);
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const match = /^listening on (\S+)/m.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once("exit", (code) => reject(new Error(`${name} exited (code ${code})`)));
  });
  return { url, stop: async () => (child.kill("SIGTERM"), await exited) };
}
