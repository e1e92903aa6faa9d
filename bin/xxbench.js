#!/usr/bin/env node
// Runs the TypeScript sources through tsx's loader, so the package needs no build step. The exit
// code is set here, not in main.ts, so tests can import main() and run it in-process.
import { register } from "tsx/esm/api";
import { hideBin } from "yargs/helpers";

register();
const { main } = await import("../harness/cli/main.ts");
process.exitCode = await main(hideBin(process.argv));
