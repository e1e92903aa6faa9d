import { describe, expect, it } from "vitest";
import { xxIdentityDigest, xxIdentityScenarios, type IdentityDigest } from "../../support/xx-identity-digest.ts";

/**
 * Moving XX's shard, dispatcher and machine logic out of the simulator's closure into the
 * clock-free classes of adapters/scheduling/ must change nothing a run stores. These digests were
 * printed by `npx tsx test/support/print-xx-identity-digests.ts` on the code before the move
 * (commit "Pin sim:xx's outcome digests before the scheduling refactor") and are kept unchanged:
 * every outcome column, machine sample and class sample of each scenario, in emission order.
 * A deliberate change of XX's behaviour re-pins them in its own commit, saying why.
 */
const pinned = new Map<string, IdentityDigest>([
  ["defaults (memory off)", { sha256: "2b94197ea2c4e3debd70f32ce95051dcf3f903819bd6a23ef9ef0ab67bc7a273", outcomes: 28870, killed: 0, throttled: 0, swapOuts: 0, preemptions: 1850 }],
  ["memory off, --shard-cost-ms 0", { sha256: "90a4205b3fa14ebcb7cba6a298d3040d695577ddad2ce5e64d19a2a7478247cc", outcomes: 29892, killed: 0, throttled: 0, swapOuts: 0, preemptions: 1968 }],
  ["memory off, --strict at overload", { sha256: "3f0ab0e37208d99171c270107899aabd8b6935d4c0580b8b1e612a399e9e552f", outcomes: 39125, killed: 0, throttled: 0, swapOuts: 0, preemptions: 23079 }],
  ["memory off, overload, price × waited", { sha256: "e0b95502b7b7189e955b8a5ba862accfb4ce0ed31a0096d17ff46255477b49f8", outcomes: 39125, killed: 0, throttled: 0, swapOuts: 0, preemptions: 23106 }],
  ["--ram-gb 32 --swap-gb 8 --idle-list --load 1.1", { sha256: "d28108fc5d73642e763d69a425de1af0a7d7e8e64dc7e661b002f397fa817839", outcomes: 70776, killed: 6136, throttled: 0, swapOuts: 21949, preemptions: 38230 }],
  ["--ram-gb 32 --swap-gb 8 --idle-list --load 1.1 --shard-cost-ms 0", { sha256: "29b6736afec70260f13b263e2b1affa142d1061d822f0b56dcbf4edc3ad4d115", outcomes: 70776, killed: 6203, throttled: 0, swapOuts: 20413, preemptions: 37566 }],
  ["--ram-gb 32 --strict --load 1.2 (power-of-k only, 500 GB swap)", { sha256: "c2562f15159f788eee4dd188e4ee47f8c59e2162d228ea0a2d06ca5894d11350", outcomes: 56596, killed: 0, throttled: 0, swapOuts: 26518, preemptions: 33936 }],
  ["tight memory: kills, swap-in at 2 MB/ms, small cluster", { sha256: "ce72f2a5e9dcd3f06dca4c3e8d0d4fd007831e0ad18a55bf42ae5980ec8f8c5a", outcomes: 3032, killed: 1889, throttled: 0, swapOuts: 602, preemptions: 374 }],
  ["budgets and call chains, memory on", { sha256: "6c492fcc4295e114ea93cdc29aaf94471016cf7880d2b5d02c67ed02fd061df6", outcomes: 8837, killed: 1864, throttled: 1700, swapOuts: 0, preemptions: 0 }],
]);

describe("sim:xx gives byte-identical rows to the pre-refactor code", () => {
  it("pins a digest for every scenario", () => {
    expect([...pinned.keys()]).toEqual(xxIdentityScenarios.map((s) => s.name));
  });

  it.each(xxIdentityScenarios.map((s) => ({ ...s })))("$name", async (scenario) => {
    expect(await xxIdentityDigest(scenario)).toEqual(pinned.get(scenario.name));
  });
});
