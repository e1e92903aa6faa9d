import { hideBin } from "yargs/helpers";
import { main } from "./xxbench-cli.ts";

process.exitCode = await main(hideBin(process.argv));
