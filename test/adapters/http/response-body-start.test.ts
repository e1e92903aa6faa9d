import { describe, expect, it } from "vitest";
import { ResponseBodyStart } from "../../../adapters/http/response-body-start.ts";

describe("ResponseBodyStart: the part of a response body the classifier reads", () => {
  it.each([
    { name: "no body", chunks: [] as string[], text: "" },
    { name: "one chunk", chunks: ["busy"], text: "busy" },
    { name: "several chunks in order", chunks: ['{"a":', "1}"], text: '{"a":1}' },
  ])("$name", ({ chunks, text }) => {
    const body = new ResponseBodyStart();
    for (const c of chunks) body.add(Buffer.from(c));
    expect(body.text()).toBe(text);
  });

  it("joins a UTF-8 character split across chunks", () => {
    const bytes = Buffer.from("déjà");
    const body = new ResponseBodyStart();
    body.add(bytes.subarray(0, 2));
    body.add(bytes.subarray(2));
    expect(body.text()).toBe("déjà");
  });

  it("keeps chunks until 64 KB are held, then no more", () => {
    const body = new ResponseBodyStart();
    body.add(Buffer.alloc(64 * 1024 - 1, "a"));
    body.add(Buffer.from("bc"));
    body.add(Buffer.from("never"));
    expect(body.text()).toBe(`${"a".repeat(64 * 1024 - 1)}bc`);
  });
});
