import { createHash } from 'node:crypto';
import type { IdenticalFile, SharedLiteral } from './model.js';

/** One learner's files of one exercise: every file's bytes (capped) and the literals of its declared files. */
export interface LearnerEvidence {
  learner: string;
  files: Array<{ file: string; bytes: Buffer }>;
  literals: Set<string>;
}

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/**
 * Files that two or more learners hold byte for byte (same path in the exercise folder), leaving
 * out empty files and files equal to the starter's or the solution's (`known` holds their hashes).
 * A file that more than half the class holds is what the exercise produces (a right output of a
 * seeded run is the same for everyone), not a sign of copying.
 */
export function identicalFiles(exercise: string, learners: LearnerEvidence[], known: Set<string>): IdenticalFile[] {
  const groups = new Map<string, IdenticalFile>();
  for (const { learner, files } of learners)
    for (const { file, bytes } of files) {
      if (bytes.length === 0) continue;
      const hash = sha(bytes);
      if (known.has(hash)) continue;
      const key = `${file}\u0000${hash}`;
      const group = groups.get(key) ?? { exercise, file, sha256: hash, learners: [] };
      group.learners.push(learner);
      groups.set(key, group);
    }
  const most = Math.max(2, Math.ceil(learners.length / 2));
  return [...groups.values()]
    .filter((g) => g.learners.length > 1 && g.learners.length <= most)
    .sort((a, b) => b.learners.length - a.learners.length);
}

export function hashOf(bytes: Buffer): string {
  return sha(bytes);
}

/**
 * Literals that a few learners share and that appear nowhere in the exercise's own material
 * (`material`: instructions, hints, starter, solution). A literal that more than half the class
 * wrote is an answer the exercise leads to, not a sign of copying.
 */
export function sharedLiterals(exercise: string, learners: LearnerEvidence[], material: string): SharedLiteral[] {
  const owners = new Map<string, string[]>();
  for (const { learner, literals } of learners)
    for (const literal of literals) owners.set(literal, [...(owners.get(literal) ?? []), learner]);
  const most = Math.max(2, Math.ceil(learners.length / 2));
  return [...owners]
    .filter(([literal, who]) => who.length >= 2 && who.length <= most && !material.includes(literal))
    .map(([literal, who]) => ({ exercise, literal, learners: who }))
    .sort((a, b) => a.learners.length - b.learners.length || (a.literal < b.literal ? -1 : 1));
}
