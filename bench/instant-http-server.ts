/**
 * The loopback target of the network-driver bench: a node:http server that answers every request
 * at once (200, a two-byte body, keep-alive), so what is measured is the driver, not the target.
 * Runs as its own process so the driver keeps a core to itself; prints its URL, ends on SIGTERM.
 */
import { createServer } from "node:http";
import { listenBacklog } from "../adapters/http/listen-backlog.ts";

const server = createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    res.writeHead(200, { "content-type": "text/plain", "content-length": "2", "x-queue-ms": "0", "x-exec-ms": "0" });
    res.end("ok");
  });
});
server.keepAliveTimeout = 60_000;
server.listen({ port: 0, host: "127.0.0.1", backlog: listenBacklog }, () => {
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  process.stdout.write(`listening on http://127.0.0.1:${address.port}/\n`);
});
process.on("SIGTERM", () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
