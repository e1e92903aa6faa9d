import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);

/** The package's folder: its exports map hides package.json, so walk up from its entry point. */
function packageRoot(name: string): string {
  let dir = dirname(require.resolve(name));
  while (!existsSync(join(dir, "package.json")) || (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: string }).name !== name) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the folder of package ${name}`);
    dir = parent;
  }
  return dir;
}

/** The UMD builds the page inlines, in load order (vega-embed expects the other two as globals). */
const libraries = [
  ["vega", "build/vega.min.js"],
  ["vega-lite", "build/vega-lite.min.js"],
  ["vega-embed", "build/vega-embed.min.js"],
] as const;

let cached: string | undefined;

/**
 * The three libraries as one script body, read from the installed (pinned) packages so the page
 * needs no network. `</script` inside the code would end the inline element early; `<\/script`
 * means the same to JavaScript and not to the HTML parser.
 */
export function inlineLibraries(): string {
  cached ??= libraries
    .map(([name, file]) => {
      const root = packageRoot(name);
      return `/* ${name} (inlined from node_modules) */\n${readFileSync(join(root, file), "utf8").replace(/<\/script/gi, "<\\/script")}`;
    })
    .join("\n;\n");
  return cached;
}
