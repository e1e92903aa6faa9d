import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { zipArchive } from "./zip-archive.ts";

/** The handler setting of the deployed function: `index.mjs`, export `handler`. */
export const handlerName = "index.handler";
export const handlerRuntime = "nodejs20.x";

export interface HandlerBundle {
  /** The handler as one ES module, no imports outside Node's own. */
  readonly code: string;
  /** The deployment package: `index.mjs` alone. */
  readonly zip: Buffer;
  /** Base64 SHA-256 of the zip: what Lambda reports as CodeSha256, to tell whether code changed. */
  readonly sha256: string;
}

const entry = fileURLToPath(new URL("./synthetic-work-handler.ts", import.meta.url));

/**
 * Builds the synthetic-work function from this repository's sources: esbuild bundles the
 * handler and the reference server's work routine into one ES module, zipped with a fixed
 * timestamp so the same sources give the same bytes. `entryFile` bundles another handler the
 * same way (μ's worker wrapper, adapters/lambda/mu/mu-worker-handler.ts).
 */
export async function buildHandlerBundle(entryFile: string = entry): Promise<HandlerBundle> {
  const result = await build({
    entryPoints: [entryFile],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    write: false,
    legalComments: "none",
    logLevel: "silent",
  });
  const file = result.outputFiles[0];
  if (file === undefined) throw new Error("esbuild produced no output for the Lambda handler");
  const code = file.text;
  const zip = zipArchive([{ name: "index.mjs", data: Buffer.from(code, "utf8") }]);
  return { code, zip, sha256: createHash("sha256").update(zip).digest("base64") };
}
