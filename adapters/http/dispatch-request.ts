import type { Dispatcher } from "undici";
import { connectionErrorText } from "../network/connection-error.ts";
import type { InvokeResult, WriteReceipt } from "../network/invoker.ts";
import type { ResponseHeaders } from "./http-response.ts";
import { ResponseBodyStart } from "./response-body-start.ts";

/** What an answer means for its invocation: `classifyResponse`, or a backend's own reading of its headers. */
export type ClassifyResponse = (statusCode: number, headers: ResponseHeaders, body: string) => InvokeResult;

/**
 * Sends one request through `dispatcher` and resolves with what `classify` makes of the answer;
 * never rejects; tells `receipt` when the request is written. A connection error is `failed` with its reason; `signal` aborting (the driver gave
 * the request up) frees the connection and resolves `timeout`.
 *
 * `dispatch` with a handler rather than `request()`: no body stream per answer, about a quarter
 * less CPU per request (20 vs 27 µs measured side by side on this machine), and the cost of a
 * request is what the open-loop driver's top paced rate is made of.
 */
export function dispatchRequest(dispatcher: Dispatcher, request: Dispatcher.DispatchOptions, signal: AbortSignal, classify: ClassifyResponse, receipt?: WriteReceipt): Promise<InvokeResult> {
  return new Promise((resolve) => {
    const reader = new ResponseReader(resolve, signal, classify, receipt);
    receipt?.onAbandon(() => reader.handleEvent());
    try {
      dispatcher.dispatch(request, reader);
    } catch (error) {
      reader.fail(error);
    }
  });
}

/** One request's answer, collected from undici's callbacks; also the listener for its abort. */
class ResponseReader implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | undefined;
  private statusCode = 0;
  private headers: ResponseHeaders = {};
  private readonly body = new ResponseBodyStart();
  private done = false;
  private abandoned = false;

  constructor(
    private readonly resolve: (result: InvokeResult) => void,
    private readonly signal: AbortSignal,
    private readonly classify: ClassifyResponse,
    private readonly receipt: WriteReceipt | undefined,
  ) {}

  /**
   * undici calls this just before it writes the request to the socket, which for a reused
   * keep-alive socket is a later event-loop turn than `dispatch` (it first checks the idle socket
   * for a close): this is the request's true send time.
   */
  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.receipt?.written(performance.now());
    this.controller = controller;
    if (this.signal.aborted || this.abandoned) controller.abort(new Error("aborted by the driver"));
    else if (this.receipt === undefined) this.signal.addEventListener("abort", this, { once: true });
  }

  /** The driver gave the request up (timeout, drain): free the connection. */
  handleEvent(): void {
    this.abandoned = true;
    if (!this.done) this.controller?.abort(new Error("aborted by the driver"));
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: ResponseHeaders): void {
    this.statusCode = statusCode;
    this.headers = headers;
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.body.add(chunk);
  }

  onResponseEnd(): void {
    if (this.done) return;
    this.done = true;
    this.resolve(this.classify(this.statusCode, this.headers, this.body.text()));
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.fail(error);
  }

  fail(error: unknown): void {
    if (this.done) return;
    this.done = true;
    this.resolve(this.signal.aborted || this.abandoned ? { status: "timeout", error: "aborted by the driver" } : { status: "failed", error: connectionErrorText(error) });
  }
}
