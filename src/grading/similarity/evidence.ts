import { existsSync, lstatSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { filesUnder, type Exercise } from '../../course/exercises.js';
import type { LearnerBase } from './collect.js';
import { hashOf, type LearnerEvidence } from './identical.js';
import type { LearnerFiles } from './model.js';
import { literalsOf } from './tokens.js';

/** Files over this size, and files past this count, are not read: evidence, not an archive. */
const MAX_BYTES = 1024 * 1024;
const MAX_FILES = 2000;

const readCapped = (path: string): Buffer | undefined => {
  const stats = lstatSync(path, { throwIfNoEntry: false });
  return stats?.isFile() && stats.size <= MAX_BYTES ? readFileSync(path) : undefined;
};
const isText = (bytes: Buffer) => !bytes.subarray(0, 8000).includes(0);

/** The exercise's own material: starter and solution texts, and everything in its folder (instructions, hints). */
export function materialOf(exercise: Exercise): { boilerplate: string[]; known: Set<string>; material: string } {
  const read = (dir: string) =>
    filesUnder(dir)
      .slice(0, MAX_FILES)
      .map((f) => readCapped(join(dir, f)))
      .filter((b): b is Buffer => b !== undefined);
  const own = [...read(exercise.starterDir), ...read(exercise.solutionDir)];
  const boilerplate = own.filter(isText).map((b) => b.toString('utf8'));
  const material = read(exercise.dir)
    .filter(isText)
    .map((b) => b.toString('utf8'))
    .join('\n');
  return { boilerplate, known: new Set(own.map(hashOf)), material };
}

/** One learner's folder of one exercise: the declared files as text, every file's bytes, the literals. */
export function learnerEvidence(
  exercise: Exercise,
  learner: LearnerBase,
  boilerplate: Set<string>,
): { files: LearnerFiles; evidence: LearnerEvidence } | undefined {
  const dir = join(learner.base, exercise.id);
  if (!existsSync(dir) || !lstatSync(dir).isDirectory()) return undefined;
  const files: LearnerFiles = { learner: learner.learner, files: [] };
  const evidence: LearnerEvidence = { learner: learner.learner, files: [], literals: new Set() };
  for (const file of filesUnder(dir).slice(0, MAX_FILES)) {
    const bytes = readCapped(join(dir, file));
    if (!bytes) continue;
    evidence.files.push({ file, bytes });
    if (!exercise.files.includes(file) || !isText(bytes)) continue;
    const lines = bytes.toString('utf8').split(/\r?\n/);
    files.files.push({ file, lines });
    for (const literal of literalsOf(lines, boilerplate)) evidence.literals.add(literal);
  }
  return { files, evidence };
}
