// One live-plane component as its own process: `node --import tsx component-main.ts ROLE CONFIG_JSON READY_FILE`.
// Started by `xxbench cluster up` (cluster-launcher.ts); writes READY_FILE ({pid, url}) once it
// serves, and stops on SIGTERM.
import { writeFileSync, renameSync } from "node:fs";
import { Gateway, type GatewayOptions } from "./gateway.ts";
import { MachineAgent, type MachineAgentOptions } from "./machine-agent.ts";
import { ShardServer, type ShardServerOptions } from "./shard-server.ts";
import { swappingNote } from "./swapping-note.ts";

const [role, configText, readyFile] = process.argv.slice(2);

async function main(): Promise<{ url: string; stop(): Promise<void> }> {
  if (configText === undefined || readyFile === undefined) throw new Error("usage: component-main.ts gateway|shard|agent CONFIG_JSON READY_FILE");
  const config: unknown = JSON.parse(configText);
  switch (role) {
    case "gateway":
      return Gateway.start(config as GatewayOptions);
    case "shard":
      return ShardServer.start(config as ShardServerOptions);
    case "agent": {
      const options = config as MachineAgentOptions;
      const agent = await MachineAgent.start(options);
      await agent.register(performance.now() + 30_000);
      process.stdout.write(`machine ${options.machine}: ${options.cores} cores, ${options.memoryMb} MB, work mode ${options.workMode}; swapping: ${swappingNote(options.swapMb)}\n`);
      return agent;
    }
    default:
      throw new Error(`unknown role ${role}`);
  }
}

const readyPath = readyFile ?? "";

main().then(
  (component) => {
    // Written whole, then renamed: the launcher never reads half a file.
    writeFileSync(`${readyPath}.tmp`, JSON.stringify({ pid: process.pid, url: component.url }));
    renameSync(`${readyPath}.tmp`, readyPath);
    process.stdout.write(`${role} listening on ${component.url} (pid ${process.pid})\n`);
    const onSignal = (): void => {
      process.once("SIGTERM", () => process.exit(143));
      component.stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.once("SIGTERM", onSignal);
    process.once("SIGINT", onSignal);
  },
  (error: unknown) => {
    process.stderr.write(`${role}: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
