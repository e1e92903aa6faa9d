/** One shell command quoted in the README, where it stands, and how the README test treats it. */
export interface ReadmeCommand {
  /** The command as a newcomer would type it (continuations joined, trailing comment dropped). */
  readonly text: string;
  /** 1-based line of README.md where the command starts. */
  readonly line: number;
}

/**
 * The commands of every ```sh block in a README, in reading order. A trailing `# …` is the
 * README's explanation, not part of the command; a line ending in `\` continues on the next.
 */
export function readmeCommands(markdown: string): ReadmeCommand[] {
  const lines = markdown.split("\n");
  const commands: ReadmeCommand[] = [];
  let inShell = false;
  let pending: { text: string; line: number } | null = null;
  lines.forEach((raw, index) => {
    const fence = /^```(\w*)/.exec(raw);
    if (fence) {
      inShell = !inShell && fence[1] === "sh";
      return;
    }
    if (!inShell) return;
    const line = stripComment(raw).trimEnd();
    if (pending === null && line.trim() === "") return;
    const continues = line.endsWith("\\");
    const part = (continues ? line.slice(0, -1) : line).trim();
    pending = pending === null ? { text: part, line: index + 1 } : { text: `${pending.text} ${part}`, line: pending.line };
    if (!continues) {
      commands.push(pending);
      pending = null;
    }
  });
  return commands;
}

/** Drops a `#` comment that is not inside quotes. */
function stripComment(line: string): string {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote !== null) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === "#" && (i === 0 || /\s/.test(line[i - 1] ?? ""))) {
      return line.slice(0, i);
    }
  }
  return line;
}

/** Splits a command line into words, honouring single and double quotes (no expansions). */
export function shellWords(text: string): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let quote: string | null = null;
  for (const c of text) {
    if (quote !== null) {
      if (c === quote) quote = null;
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote !== null) throw new Error(`unbalanced ${quote} in: ${text}`);
  if (inWord) words.push(word);
  return words;
}
