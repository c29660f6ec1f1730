import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command, Option } from 'commander';

/** The code of a Markdown text: inline spans and fenced blocks, but not `text` blocks (captured output). */
export function codeOf(markdown: string): string[] {
  const code: string[] = [];
  const prose = markdown.replace(/^```(\w*)\n([\s\S]*?)^```/gm, (_, lang: string, body: string) => {
    if (lang !== 'text') code.push(body);
    return '';
  });
  for (const match of prose.matchAll(/`([^`\n]+)`/g)) code.push(match[1]!);
  return code;
}

/** Every `de-lab …` command line in the code, cut at a pipe, a comment, `&&`, `;` or `--`. */
export function deLabCommands(markdown: string): string[][] {
  const found: string[][] = [];
  for (const code of codeOf(markdown))
    for (const match of code.matchAll(/(?:^|[\s($])de-lab((?:[ \t]+[^\s]+)*)/gm)) {
      const tokens: string[] = [];
      for (const token of match[1]!.trim().split(/\s+/).filter(Boolean)) {
        const bare = token.replace(/^[[(]+|[\]),.:]+$/g, '');
        if (['|', '&&', ';', '--', '…', '\\|'].includes(bare) || token.startsWith('#')) break;
        tokens.push(bare);
      }
      found.push(tokens);
    }
  return found;
}

const isPlaceholder = (token: string) => /^(<.*>|\[.*\]|\.\.\.|…|dayN)$/.test(token) || token.includes('<');

function knows(command: Command, flag: string): boolean {
  const name = flag.split('=')[0]!;
  if (name === '--help' || name === '-h') return true;
  for (let at: Command | null = command; at; at = at.parent)
    if (at.options.some((option: Option) => option.long === name || option.short === name)) return true;
  return false;
}

/** What is wrong with one command line against the real program: an unknown command, subcommand or flag. */
export function commandProblems(program: Command, tokens: string[]): string[] {
  const problems: string[] = [];
  let command = program;
  let positional = false;
  for (const token of tokens) {
    if (token === '' || isPlaceholder(token)) {
      positional = true;
      continue;
    }
    if (token.startsWith('-')) {
      if (!knows(command, token))
        problems.push(`de-lab ${tokens.join(' ')}: ${token} is not an option of ${command.name()}`);
      continue;
    }
    if (positional || (command !== program && command.commands.length === 0)) continue;
    const alternatives = token.split(/\\?\|/);
    const matches = alternatives.map((name) =>
      command.commands.find((sub) => sub.name() === name || sub.aliases().includes(name)),
    );
    if (matches.every(Boolean)) {
      command = matches[0]!;
      if (alternatives.length > 1) positional = true;
    } else if (command !== program && command.registeredArguments.length > 0) {
      // A command with arguments of its own and subcommands (grade <day>, grade merge): an argument.
      positional = true;
    } else if (command === program || command.commands.length > 0) {
      problems.push(`de-lab ${tokens.join(' ')}: ${token} is not a command of ${command.name()}`);
      break;
    } else positional = true;
  }
  return problems;
}

/** `npm run <script>` and `npm test` in the code. */
export function npmScripts(markdown: string): string[] {
  const scripts: string[] = [];
  for (const code of codeOf(markdown)) {
    for (const match of code.matchAll(/\bnpm run ([\w:-]+)/g)) scripts.push(match[1]!);
    for (const match of code.matchAll(/\bnpm (test)\b/g)) scripts.push(match[1]!);
  }
  return scripts;
}

/** GitHub's anchors for the headings of a Markdown text (duplicates get -1, -2 …). */
export function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  const prose = markdown.replace(/^```[\s\S]*?^```/gm, '');
  for (const match of prose.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const slug = match[1]!
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

/** Relative links of a Markdown file whose file, folder or heading does not exist. */
export function brokenLinks(file: string): string[] {
  const markdown = readFileSync(file, 'utf8');
  const prose = markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
  const broken: string[] = [];
  for (const match of prose.matchAll(/\]\(([^)\s]+)\)/g)) {
    const link = match[1]!;
    if (/^[a-z]+:/i.test(link)) continue;
    const [path, anchor] = link.split('#') as [string, string | undefined];
    const target = path === '' ? file : resolve(dirname(file), path);
    if (!existsSync(target)) broken.push(`${link}: ${path} does not exist`);
    else if (anchor !== undefined && target.endsWith('.md') && !anchorsOf(readFileSync(target, 'utf8')).has(anchor))
      broken.push(`${link}: no heading #${anchor} in ${path || 'this file'}`);
  }
  return broken;
}
