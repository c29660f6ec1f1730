import { File, Region, TokenizedFile } from '@dodona/dolos-core';
import type { LearnerFiles } from './model.js';

/**
 * Lexical tokens: names, numbers, quoted texts and single symbols. Dolos's own tokenizers are
 * tree-sitter parsers (native builds); exercise files here are YAML, Dockerfiles, Fluentd configs,
 * SQL and Python, so one lexical tokenizer covers them all the same way.
 */
const TOKEN = /[A-Za-z_][A-Za-z0-9_]*|\d+(?:\.\d+)?|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|\S/g;

/** A line as compared with the starter and solution: trimmed, inner blanks squeezed. */
export function normalLine(line: string): string {
  return line.trim().replace(/\s+/g, ' ');
}

/** Every line of the starter code and the reference solution: boilerplate no learner is to be compared on. */
export function boilerplateOf(texts: string[]): Set<string> {
  const set = new Set<string>();
  for (const text of texts) for (const line of text.split(/\r?\n/)) set.add(normalLine(line));
  return set;
}

/** Where each row of a learner's joined document comes from. */
export interface Origin {
  file: string;
  line: number;
}

/**
 * One learner's declared files as one Dolos document: the lines that are not blank and not
 * boilerplate are tokenized; `origins[row]` maps a row back to its file and line.
 */
export function tokenizeLearner(
  learner: LearnerFiles,
  boilerplate: Set<string>,
): { file: TokenizedFile; origins: Origin[] } {
  const origins: Origin[] = [];
  const rows: string[] = [];
  const tokens: string[] = [];
  const mapping: Region[] = [];
  for (const { file, lines } of learner.files) {
    lines.forEach((line, index) => {
      const row = rows.length;
      rows.push(line);
      origins.push({ file, line: index + 1 });
      const normal = normalLine(line);
      if (normal === '' || boilerplate.has(normal)) return;
      for (const match of line.matchAll(TOKEN)) {
        tokens.push(match[0]);
        mapping.push(new Region(row, match.index, row, match.index + match[0].length));
      }
    });
  }
  return { file: new TokenizedFile(new File(learner.learner, rows.join('\n')), tokens, mapping), origins };
}

const LITERAL = /"((?:[^"\\\n]|\\.){4,})"|'((?:[^'\\\n]|\\.){4,})'|(?<![\w.])(\d{3,}(?:\.\d+)?)(?![\w.])/g;

/** Quoted texts of 4+ characters and numbers of 3+ digits on the lines that are not boilerplate. */
export function literalsOf(lines: string[], boilerplate: Set<string>): Set<string> {
  const found = new Set<string>();
  for (const line of lines) {
    if (boilerplate.has(normalLine(line))) continue;
    for (const m of line.matchAll(LITERAL)) found.add(m[1] ?? m[2] ?? m[3]!);
  }
  return found;
}
