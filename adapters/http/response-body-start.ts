/**
 * The start of a response body, as its chunks arrive: only the first line or a small JSON answer
 * is ever read, so chunks past 64 KB are not kept (a target streaming megabytes costs no memory).
 */
export class ResponseBodyStart {
  private static readonly maxBytes = 64 * 1024;
  private readonly chunks: Buffer[] = [];
  private bytes = 0;

  add(chunk: Buffer): void {
    if (this.bytes >= ResponseBodyStart.maxBytes) return;
    this.chunks.push(chunk);
    this.bytes += chunk.length;
  }

  text(): string {
    if (this.chunks.length === 0) return "";
    return this.chunks.length === 1 ? this.chunks[0]!.toString("utf8") : Buffer.concat(this.chunks).toString("utf8");
  }
}
