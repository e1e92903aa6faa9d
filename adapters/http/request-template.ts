import type { Invocation } from "../../traces/invocation.ts";

/** The invocation fields a function-map template may name as `{{field}}`. */
export const placeholders = ["id", "fn", "app", "tenant", "trigger", "priceClass", "workMs", "memStartMb", "memPeakMb", "arrivalMs"] as const;
export type Placeholder = (typeof placeholders)[number];

const placeholderPattern = /\{\{\s*([A-Za-z]+)\s*\}\}/g;

/**
 * Text with `{{field}}` placeholders, split once into literal and field parts so rendering a
 * request is a few concatenations. Values go in as they are (a JSON body template quotes string
 * fields itself: `"fn": "{{fn}}"`); in a URL they are percent-encoded.
 */
export class RequestTemplate {
  private constructor(
    private readonly literals: readonly string[],
    private readonly fields: readonly Placeholder[],
    private readonly encode: boolean,
  ) {}

  /** Throws a one-line Error naming the first unknown placeholder. */
  static parse(text: string, options: { encode: boolean } = { encode: false }): RequestTemplate {
    const literals: string[] = [];
    const fields: Placeholder[] = [];
    let last = 0;
    for (const match of text.matchAll(placeholderPattern)) {
      const name = match[1]!;
      if (!isPlaceholder(name)) throw new Error(`unknown placeholder {{${name}}} (known: ${placeholders.map((p) => `{{${p}}}`).join(" ")})`);
      literals.push(text.slice(last, match.index));
      fields.push(name);
      last = match.index + match[0].length;
    }
    literals.push(text.slice(last));
    return new RequestTemplate(literals, fields, options.encode);
  }

  /** The names the template uses, in order. */
  get uses(): readonly Placeholder[] {
    return this.fields;
  }

  render(inv: Invocation): string {
    let out = this.literals[0]!;
    for (let i = 0; i < this.fields.length; i++) {
      const value = fieldValue(inv, this.fields[i]!);
      out += (this.encode ? encodeURIComponent(value) : value) + this.literals[i + 1]!;
    }
    return out;
  }
}

function isPlaceholder(name: string): name is Placeholder {
  return (placeholders as readonly string[]).includes(name);
}

function fieldValue(inv: Invocation, field: Placeholder): string {
  switch (field) {
    case "trigger":
      return inv.trigger ?? "";
    default:
      return String(inv[field]);
  }
}
