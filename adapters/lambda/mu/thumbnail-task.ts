import { deriveSeed, SeededRandom } from "../../../traces/seeded-random.ts";

/**
 * Seed 004's workload is SeBS's thumbnailer: fetch a 3 MB image, resize it to 100 × 100, upload
 * it. Fetching and uploading are network I/O that loopback tests may not do, so the task keeps
 * only the CPU part: a `sourcePx` × `sourcePx` RGB image of seeded random pixels (its own stream
 * per task) is box-downscaled to `thumbPx` × `thumbPx`, and the thumbnail's FNV-1a checksum is
 * the result. Deterministic: the same spec gives the same checksum on any machine.
 */
export interface ThumbnailSpec {
  readonly task: number;
  readonly seed: number;
  readonly sourcePx: number;
  readonly thumbPx: number;
}

export interface ThumbnailResult {
  /** FNV-1a 32 of the thumbnail's RGB bytes, 8 hex digits. */
  readonly checksum: string;
}

export const thumbnailLimits = { minSourcePx: 1, maxSourcePx: 4096, minThumbPx: 1 } as const;

/** One problem per line, empty when the spec can run. */
export function thumbnailSpecErrors(spec: ThumbnailSpec): string[] {
  const errors: string[] = [];
  if (!Number.isInteger(spec.sourcePx) || spec.sourcePx < thumbnailLimits.minSourcePx || spec.sourcePx > thumbnailLimits.maxSourcePx) {
    errors.push(`sourcePx must be a whole number of pixels from ${thumbnailLimits.minSourcePx} to ${thumbnailLimits.maxSourcePx} (got ${spec.sourcePx})`);
  }
  if (!Number.isInteger(spec.thumbPx) || spec.thumbPx < thumbnailLimits.minThumbPx || !(spec.thumbPx <= spec.sourcePx)) {
    errors.push(`thumbPx must be a whole number of pixels from 1 to sourcePx (got ${spec.thumbPx})`);
  }
  if (!Number.isInteger(spec.task) || spec.task < 0) errors.push(`task must be a whole number ≥ 0 (got ${spec.task})`);
  if (!Number.isInteger(spec.seed)) errors.push(`seed must be a whole number (got ${spec.seed})`);
  return errors;
}

/** The task's source pixels: RGB, row-major, from its own seeded stream. */
export function syntheticPixels(spec: Pick<ThumbnailSpec, "task" | "seed" | "sourcePx">): Uint8Array {
  const random = new SeededRandom(deriveSeed(deriveSeed(spec.seed, "thumbnail-pixels") ^ spec.task, "task"));
  const pixels = new Uint8Array(spec.sourcePx * spec.sourcePx * 3);
  const words = new Uint32Array(pixels.buffer, 0, Math.floor(pixels.length / 4));
  for (let i = 0; i < words.length; i++) words[i] = random.nextUint32();
  for (let i = words.length * 4; i < pixels.length; i++) pixels[i] = random.nextUint32() & 0xff;
  return pixels;
}

/**
 * Box filter: output pixel (x, y) is the rounded mean of the source block [x·s/t, (x+1)·s/t) ×
 * [y·s/t, (y+1)·s/t), so every source pixel counts once even when t does not divide s.
 */
export function boxDownscale(pixels: Uint8Array, sourcePx: number, thumbPx: number): Uint8Array {
  const out = new Uint8Array(thumbPx * thumbPx * 3);
  for (let ty = 0; ty < thumbPx; ty++) {
    const y0 = Math.floor((ty * sourcePx) / thumbPx);
    const y1 = Math.floor(((ty + 1) * sourcePx) / thumbPx);
    for (let tx = 0; tx < thumbPx; tx++) {
      const x0 = Math.floor((tx * sourcePx) / thumbPx);
      const x1 = Math.floor(((tx + 1) * sourcePx) / thumbPx);
      let r = 0;
      let g = 0;
      let b = 0;
      for (let y = y0; y < y1; y++) {
        let i = (y * sourcePx + x0) * 3;
        for (let x = x0; x < x1; x++, i += 3) {
          r += pixels[i]!;
          g += pixels[i + 1]!;
          b += pixels[i + 2]!;
        }
      }
      const n = (y1 - y0) * (x1 - x0);
      const o = (ty * thumbPx + tx) * 3;
      out[o] = Math.round(r / n);
      out[o + 1] = Math.round(g / n);
      out[o + 2] = Math.round(b / n);
    }
  }
  return out;
}

export function fnv1aHex(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i]!;
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}

export function runThumbnail(spec: ThumbnailSpec): ThumbnailResult {
  const errors = thumbnailSpecErrors(spec);
  if (errors.length > 0) throw new RangeError(errors.join("; "));
  return { checksum: fnv1aHex(boxDownscale(syntheticPixels(spec), spec.sourcePx, spec.thumbPx)) };
}
