import { FingerprintIndex, type Region, type TokenizedFile } from '@dodona/dolos-core';
import type { LearnerFiles, SimilarPair, Span } from './model.js';
import { tokenizeLearner, type Origin } from './tokens.js';

/** Fingerprints of 6 tokens, one kept per window of 4 (winnowing): short config files still get some. */
export const KGRAM = 6;
export const WINDOW = 4;

/** The rows of a region, as spans of lines per file. */
export function spansOf(region: Region, origins: Origin[]): Span[] {
  const spans: Span[] = [];
  for (let row = region.startRow; row <= region.endRow; row++) {
    const origin = origins[row];
    if (!origin) continue;
    const last = spans.at(-1);
    if (last && last.file === origin.file && last.to === origin.line - 1) last.to = origin.line;
    else spans.push({ file: origin.file, from: origin.line, to: origin.line });
  }
  return spans;
}

/**
 * Compares the learners of one exercise pairwise with Dolos's winnowing index and keeps the pairs
 * at or above `threshold`, most similar first. Boilerplate lines are never tokenized.
 */
export function similarPairs(
  exercise: string,
  learners: LearnerFiles[],
  boilerplate: Set<string>,
  threshold: number,
): SimilarPair[] {
  const docs = learners.map((l) => ({ learner: l.learner, ...tokenizeLearner(l, boilerplate) }));
  const usable = docs.filter((d) => d.file.tokens.length >= KGRAM);
  if (usable.length < 2) return [];
  const byFile = new Map<TokenizedFile, (typeof usable)[number]>(usable.map((d) => [d.file, d]));
  const index = new FingerprintIndex(KGRAM, WINDOW, true);
  index.addFiles(usable.map((d) => d.file));
  const pairs: SimilarPair[] = [];
  for (const pair of index.allPairs()) {
    if (pair.similarity < threshold) continue;
    const a = byFile.get(pair.leftFile)!;
    const b = byFile.get(pair.rightFile)!;
    const [left, right, flip] = a.learner <= b.learner ? [a, b, false] : [b, a, true];
    pairs.push({
      exercise,
      left: left.learner,
      right: right.learner,
      similarity: Math.round(pair.similarity * 1000) / 1000,
      longest: pair.longest,
      fragments: pair.buildFragments().map((f) => {
        const sides = [spansOf(f.leftSelection, a.origins), spansOf(f.rightSelection, b.origins)];
        return flip ? { left: sides[1]!, right: sides[0]! } : { left: sides[0]!, right: sides[1]! };
      }),
    });
  }
  return pairs.sort((x, y) => y.similarity - x.similarity || y.longest - x.longest);
}
