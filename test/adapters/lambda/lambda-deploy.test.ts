import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { crc32, inflateRawSync } from "node:zlib";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import { buildHandlerBundle, type HandlerBundle } from "../../../adapters/lambda/handler-bundle.ts";
import { deployAction, deployLambda, LambdaDeployError, ownershipTag, type DeployRequest } from "../../../adapters/lambda/lambda-deploy.ts";
import { zipArchive } from "../../../adapters/lambda/zip-archive.ts";
import { startInvokeApiStandIn, type InvokeApiStandIn, type StandInOptions } from "../../support/invoke-api-stand-in.ts";
import { useTempDirs } from "../../support/temp-dir.ts";

const tempDir = useTempDirs();

/** Reads a zip through its central directory, as an unzipper would, checking each CRC. */
function unzip(zip: Buffer): Map<string, Buffer> {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const files = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    expect(zip.readUInt32LE(at)).toBe(0x02014b50);
    const method = zip.readUInt16LE(at + 10);
    const crc = zip.readUInt32LE(at + 16);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString("utf8");
    const localNameLength = zip.readUInt16LE(local + 26);
    const data = zip.subarray(local + 30 + localNameLength, local + 30 + localNameLength + size);
    const content = method === 8 ? inflateRawSync(data) : data;
    expect(crc32(content)).toBe(crc);
    files.set(name, content);
    at += 46 + nameLength;
  }
  return files;
}

describe("zipArchive", () => {
  it("writes entries an unzipper reads back byte for byte, the same bytes every time", () => {
    const entries = [
      { name: "index.mjs", data: Buffer.from("export const handler = async () => 1;\n") },
      { name: "lib/é.txt", data: Buffer.alloc(10_000, 7) },
    ];
    const zip = zipArchive(entries);
    const files = unzip(zip);
    expect([...files.keys()]).toEqual(["index.mjs", "lib/é.txt"]);
    expect(files.get("index.mjs")!.equals(entries[0]!.data)).toBe(true);
    expect(files.get("lib/é.txt")!.equals(entries[1]!.data)).toBe(true);
    expect(zipArchive(entries).equals(zip)).toBe(true);
  });
});

describe("the synthetic-work handler bundle", () => {
  it("is one self-contained ES module in index.mjs that does the payload's work (sleep mode) and answers what it did", async () => {
    const bundle = await buildHandlerBundle();
    const files = unzip(bundle.zip);
    expect([...files.keys()]).toEqual(["index.mjs"]);
    expect(bundle.code).not.toMatch(/from\s+["']\.\.?\//);
    const path = join(tempDir(), "index.mjs");
    writeFileSync(path, files.get("index.mjs")!);
    const { handler } = (await import(pathToFileURL(path).href)) as { handler: (event: unknown) => Promise<{ id?: number; execMs: number; memMb: number }> };
    const done = await handler({ id: 7, workMs: 20, memPeakMb: 2, mode: "sleep" });
    expect(done.id).toBe(7);
    expect(done.execMs).toBeGreaterThanOrEqual(20);
    expect(done.memMb).toBe(2);
    await expect(handler({ workMs: "lots" })).rejects.toThrow(/workMs and memPeakMb must be numbers/);
    expect((await buildHandlerBundle()).sha256).toBe(bundle.sha256);
  });
});

describe("deployAction", () => {
  it.each([
    ["nothing under the name", undefined, "create"],
    ["our tag", { tags: { [ownershipTag.key]: ownershipTag.value, team: "x" } }, "update"],
    ["no tags at all", {}, "refuse"],
    ["someone else's tags", { tags: { team: "x" } }, "refuse"],
    ["our key with another value", { tags: { [ownershipTag.key]: "someone" } }, "refuse"],
  ] as const)("%s → %s", (_name, existing, kind) => {
    expect(deployAction("f", existing).kind).toBe(kind);
  });
});

describe("xxbench lambda deploy through the SDK against the Invoke-API stand-in's control plane", () => {
  const servers: InvokeApiStandIn[] = [];
  const standIn = async (options: StandInOptions = {}): Promise<InvokeApiStandIn> => {
    const server = await startInvokeApiStandIn(options);
    servers.push(server);
    return server;
  };
  let bundle: HandlerBundle;
  beforeEach(async () => {
    vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIDSTANDIN");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "stand-in-secret");
    bundle ??= await buildHandlerBundle();
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
    vi.unstubAllEnvs();
  });
  const request = (url: string, extra: Partial<DeployRequest> = {}): DeployRequest => ({
    region: "us-east-1",
    roleArn: "arn:aws:iam::000000000000:role/xxbench",
    functionName: "xxbench-synthetic-work",
    memoryMb: [128],
    arch: "x86_64",
    timeoutS: 30,
    endpoint: url,
    ...extra,
  });

  it("stand-in: creates tagged functions per memory size, then leaves them unchanged, then updates only what changed", async () => {
    const server = await standIn();
    const first = await deployLambda(request(server.url, { memoryMb: [128, 1024] }), bundle);
    expect(first.map((d) => [d.functionName, d.action])).toEqual([
      ["xxbench-synthetic-work-128mb", "created"],
      ["xxbench-synthetic-work-1024mb", "created"],
    ]);
    const created = server.functions.get("xxbench-synthetic-work-1024mb")!;
    expect(created.tags).toEqual({ [ownershipTag.key]: ownershipTag.value });
    expect(created.configuration).toMatchObject({ MemorySize: 1024, Timeout: 30, Runtime: "nodejs20.x", Handler: "index.handler", CodeSha256: bundle.sha256 });

    const again = await deployLambda(request(server.url, { memoryMb: [128, 1024] }), bundle);
    expect(again.map((d) => d.action)).toEqual(["unchanged", "unchanged"]);
    const retimed = await deployLambda(request(server.url, { memoryMb: [128, 1024], timeoutS: 60 }), bundle);
    expect(retimed.map((d) => d.action)).toEqual(["updated", "updated"]);
    expect(created.changes).toEqual(["create", "configuration"]);
  });

  it("stand-in: refuses a function it did not create and changes nothing, not even the names before it", async () => {
    const server = await standIn({ existing: [{ name: "xxbench-synthetic-work-2048mb", tags: { team: "theirs" } }] });
    const deploying = deployLambda(request(server.url, { memoryMb: [128, 2048] }), bundle);
    await expect(deploying).rejects.toThrow(LambdaDeployError);
    await expect(deploying).rejects.toThrow("function xxbench-synthetic-work-2048mb exists and was not created by xxbench (no tag xxbench:created-by=xxbench); deploy leaves it alone: pick another --function-name");
    expect(server.functions.has("xxbench-synthetic-work-128mb")).toBe(false);
    expect(server.functions.get("xxbench-synthetic-work-2048mb")!.changes).toEqual([]);
  });

  it("stand-in: creating without a role is one line, before anything is created", async () => {
    const server = await standIn();
    const { roleArn: _, ...withoutRole } = request(server.url);
    await expect(deployLambda(withoutRole, bundle)).rejects.toThrow("creating xxbench-synthetic-work needs an execution role: pass --role ARN or set XXBENCH_LAMBDA_ROLE_ARN");
    expect(server.functions.size).toBe(0);
  });
});
