import { connectionErrorText } from "../network/connection-error.ts";
import type { InvokeResult, WriteReceipt } from "../network/invoker.ts";
import type { ClassifyResponse } from "./dispatch-request.ts";
import type { HttpRequest } from "./function-map.ts";
import type { ResponseHeaders } from "./http-response.ts";
import type { Exchange, ExchangeHandle, Http1Pool } from "./http1-pool.ts";
import { requestBytes } from "./http1-request-bytes.ts";
import { ResponseBodyStart } from "./response-body-start.ts";

/**
 * Sends one request on `pool` and resolves with what `classify` makes of the answer; never
 * rejects. Tells `receipt` when the request is written. A connection error is `failed` with its
 * reason; the driver giving the request up (`receipt.onAbandon`, or `signal` aborting when there
 * is no receipt) closes its connection and resolves `timeout`.
 */
export function exchangeRequest(pool: Http1Pool, request: HttpRequest, signal: AbortSignal, classify: ClassifyResponse, receipt?: WriteReceipt): Promise<InvokeResult> {
  return new Promise((resolve) => {
    let bytes: string;
    try {
      bytes = requestBytes(request, pool.hostHeader);
    } catch (error) {
      resolve({ status: "failed", error: error instanceof Error ? error.message : String(error) });
      return;
    }
    const reader = new AnswerReader(resolve, classify, receipt);
    if (signal.aborted) {
      reader.handleEvent();
      return;
    }
    reader.handle = pool.request(bytes, reader);
    if (reader.finished) return;
    if (receipt) receipt.onAbandon(() => reader.handleEvent());
    else reader.listenTo(signal);
  });
}

/** One request's answer as the pool reports it; also the listener for its abort. */
class AnswerReader implements Exchange {
  handle: ExchangeHandle | undefined;
  finished = false;
  private statusCode = 0;
  private headers: ResponseHeaders = {};
  private readonly bodyStart = new ResponseBodyStart();
  private abandoned = false;
  /** The caller's signal, when it has no receipt: the listener leaves it once answered (it may be shared). */
  private signal: AbortSignal | undefined;

  constructor(
    private readonly resolve: (result: InvokeResult) => void,
    private readonly classify: ClassifyResponse,
    private readonly receipt: WriteReceipt | undefined,
  ) {}

  listenTo(signal: AbortSignal): void {
    this.signal = signal;
    signal.addEventListener("abort", this, { once: true });
  }

  written(atMs: number): void {
    this.receipt?.written(atMs);
  }

  /** The driver gave the request up (timeout, drain): free the connection. */
  handleEvent(): void {
    if (this.finished) return;
    this.abandoned = true;
    this.handle?.abort();
    this.error(new Error("aborted by the driver"));
  }

  head(statusCode: number, headers: ResponseHeaders): void {
    this.statusCode = statusCode;
    this.headers = headers;
  }

  body(chunk: Buffer): void {
    this.bodyStart.add(chunk);
  }

  end(): void {
    if (this.finished) return;
    this.finished = true;
    this.signal?.removeEventListener("abort", this);
    this.resolve(this.classify(this.statusCode, this.headers, this.bodyStart.text()));
  }

  error(error: Error): void {
    if (this.finished) return;
    this.finished = true;
    this.signal?.removeEventListener("abort", this);
    this.resolve(this.abandoned ? { status: "timeout", error: "aborted by the driver" } : { status: "failed", error: connectionErrorText(error) });
  }
}
