/**
 * The network-driver bench's main loopback target: answers every HTTP/1.1 request at once with a
 * fixed 200 (two-byte body, keep-alive, the reference server's timing headers), written on plain
 * `node:net` sockets. It reads just enough of each request to find where it ends (the head's
 * blank line, then `content-length` bytes of body) and keeps no per-request objects.
 *
 * Why not node:http, which bench/instant-http-server.ts still runs for comparison: on two shared
 * cores its own cost (about 15 µs a request, plus a connection's set-up and its collector's
 * pauses) is a third of the other core at 20,000 requests/s, and its stalls of 5–15 ms become the
 * driver's in-flight backlog. The driver's figure should be the driver's; the bench prints both.
 * Prints its URL, ends on SIGTERM.
 */
import { createServer, type Socket } from "node:net";
import { listenBacklog } from "../adapters/http/listen-backlog.ts";

const answer = Buffer.from("HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 2\r\nx-queue-ms: 0\r\nx-exec-ms: 0\r\nkeep-alive: timeout=60\r\n\r\nok");
const headEnd = Buffer.from("\r\n\r\n");
const contentLength = /\r\ncontent-length:[ \t]*(\d+)/i;

function serve(socket: Socket): void {
  socket.setNoDelay(true);
  /** A request head split across reads, kept until its blank line arrives. */
  let partialHead: Buffer | undefined;
  /** Body bytes of the current request still to come. */
  let bodyLeft = 0;
  socket.on("data", (chunk: Buffer) => {
    const data = partialHead === undefined ? chunk : Buffer.concat([partialHead, chunk]);
    partialHead = undefined;
    let at = 0;
    let complete = 0;
    while (at < data.length) {
      if (bodyLeft > 0) {
        const take = Math.min(bodyLeft, data.length - at);
        bodyLeft -= take;
        at += take;
        if (bodyLeft > 0) break;
        complete++;
        continue;
      }
      const end = data.indexOf(headEnd, at);
      if (end === -1) {
        partialHead = data.subarray(at);
        break;
      }
      const length = contentLength.exec(data.toString("latin1", at, end));
      at = end + headEnd.length;
      bodyLeft = length === null ? 0 : Number(length[1]);
      if (bodyLeft === 0) complete++;
    }
    if (complete === 1) socket.write(answer);
    else if (complete > 1) socket.write(Buffer.concat(Array.from({ length: complete }, () => answer)));
  });
  socket.on("error", () => undefined);
}

const server = createServer(serve);
server.listen({ port: 0, host: "127.0.0.1", backlog: listenBacklog }, () => {
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  process.stdout.write(`listening on http://127.0.0.1:${address.port}/\n`);
});
process.on("SIGTERM", () => process.exit(0));
