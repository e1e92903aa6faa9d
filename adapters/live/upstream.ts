import { Pool } from "undici";

export interface UpstreamAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

/**
 * One component's keep-alive connections to another (HTTP/1.1, no pipelining, so a slow answer
 * never holds up another). `ordered` keeps a single connection, so messages arrive in the order
 * they were sent: idle-list reports must (a leave overtaking its join is an error at the shard).
 */
export class Upstream {
  private readonly pool: Pool;

  constructor(
    readonly origin: string,
    options: { ordered?: boolean; connections?: number } = {},
  ) {
    this.pool = new Pool(origin, {
      connections: options.ordered ? 1 : (options.connections ?? 64),
      pipelining: 1,
      headersTimeout: 0,
      bodyTimeout: 0,
      keepAliveTimeout: 60_000,
      connectTimeout: 5_000,
    });
  }

  /** POSTs `value` as JSON; rejects only when no answer came (refused, reset, aborted). */
  async post(path: string, value: unknown, signal?: AbortSignal): Promise<UpstreamAnswer> {
    const response = await this.pool.request({
      path,
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(value),
      ...(signal ? { signal } : {}),
    });
    return { status: response.statusCode, headers: response.headers, body: await response.body.text() };
  }

  async get(path: string): Promise<UpstreamAnswer> {
    const response = await this.pool.request({ path, method: "GET" });
    return { status: response.statusCode, headers: response.headers, body: await response.body.text() };
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
