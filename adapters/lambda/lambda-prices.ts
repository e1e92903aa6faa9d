import { microCentsPerUsd, priceTable } from "../billing/price-table.ts";

export const lambdaArchitectures = ["x86_64", "arm64"] as const;
export type LambdaArchitecture = (typeof lambdaArchitectures)[number];

/** One region's on-demand Lambda tariff (first pricing tier), USD. */
export interface LambdaRegionPrice {
  readonly usdPerGbSecond: Readonly<Record<LambdaArchitecture, number>>;
  readonly usdPerRequest: number;
}

const standard: LambdaRegionPrice = {
  usdPerGbSecond: { x86_64: priceTable.lambda.x86UsdPerGbSecond, arm64: priceTable.lambda.armUsdPerGbSecond },
  usdPerRequest: priceTable.lambda.usdPerRequest,
};

/**
 * Regions whose tariff is known here: these commercial regions share us-east-1's first-tier
 * prices (`price-table.ts`, aws.amazon.com/lambda/pricing). A region that is not listed (some
 * newer and opt-in regions charge more) is refused by name rather than billed at a guess: add
 * its row with the page's figures.
 */
export const lambdaRegionPrices: Readonly<Record<string, LambdaRegionPrice>> = Object.fromEntries(
  [
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "ca-central-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-central-1",
    "eu-north-1",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-south-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "sa-east-1",
  ].map((region) => [region, standard]),
);

/** A region or architecture without a price: one line naming it and what is known. */
export class LambdaPriceError extends Error {
  override readonly name = "LambdaPriceError";
}

export function lambdaPrice(region: string): LambdaRegionPrice {
  const price = lambdaRegionPrices[region];
  if (price === undefined) throw new LambdaPriceError(`no Lambda price for region "${region}" (known: ${Object.keys(lambdaRegionPrices).join(", ")}); add it to adapters/lambda/lambda-prices.ts`);
  return price;
}

/**
 * What one invocation cost, µ¢: Billed Duration (whole ms; since August 2025 it includes the
 * init phase of on-demand functions, so a cold start's init is billed exactly as AWS bills it)
 * × configured memory × the architecture's GB-second price, plus the request fee.
 */
export function billedMicroCents(price: LambdaRegionPrice, arch: LambdaArchitecture, billedMs: number, memorySizeMb: number): number {
  const gbSeconds = (billedMs / 1000) * (memorySizeMb / 1024);
  return (gbSeconds * price.usdPerGbSecond[arch] + price.usdPerRequest) * microCentsPerUsd;
}
