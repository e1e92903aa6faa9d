import { connect } from "node:net";
import { connectionErrorText } from "./connection-error.ts";

/**
 * Opens and closes one TCP connection to `origin` (`http://host:port`): proves the target is
 * there without sending it a request, which for a user's own endpoint could have effects.
 * Throws a one-line Error such as "cannot connect to http://127.0.0.1:9/: ECONNREFUSED 127.0.0.1:9".
 */
export async function checkReachable(origin: string, timeoutMs: number, signal: AbortSignal): Promise<void> {
  const url = new URL(origin);
  const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  await new Promise<void>((resolve, reject) => {
    const socket = connect({ host, port, signal });
    const fail = (why: string): void => {
      socket.destroy();
      reject(new Error(`cannot connect to ${url.origin}/: ${why}`));
    };
    socket.setTimeout(timeoutMs, () => fail(`no connection within ${timeoutMs} ms`));
    socket.once("error", (error) => fail(connectionErrorText(error)));
    socket.once("connect", () => {
      socket.end();
      socket.destroy();
      resolve();
    });
  });
}
