/**
 * The loopback target of the Lambda SDK bench: the tests' Invoke-API stand-in
 * (test/support/invoke-api-stand-in.ts) answering every invocation at once with a REPORT line,
 * in its own process so the SDK client keeps a core to itself. Prints its URL, ends on SIGTERM.
 */
import { startInvokeApiStandIn } from "../test/support/invoke-api-stand-in.ts";

const server = await startInvokeApiStandIn({ maxInFlight: 100_000 });
process.stdout.write(`listening on ${server.url}\n`);
process.on("SIGTERM", () => {
  void server.close().then(() => process.exit(0));
});
