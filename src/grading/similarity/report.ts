import type { Exercise } from '../../course/exercises.js';
import type { LearnerBase } from './collect.js';
import { similarPairs } from './compare.js';
import { learnerEvidence, materialOf } from './evidence.js';
import { identicalFiles, sharedLiterals, type LearnerEvidence } from './identical.js';
import { SIMILARITY_SCHEMA, type LearnerFiles, type SimilarityReport } from './model.js';
import { boilerplateOf } from './tokens.js';

export const DEFAULT_THRESHOLD = 0.6;

/** The similarity report of a class: per exercise, the similar pairs, identical files and shared literals. */
export function buildSimilarity(
  day: string,
  exercises: Exercise[],
  learners: LearnerBase[],
  threshold = DEFAULT_THRESHOLD,
): { report: SimilarityReport; texts: Map<string, LearnerFiles> } {
  const report: SimilarityReport = {
    schema: SIMILARITY_SCHEMA,
    day,
    threshold,
    generatedAt: new Date().toISOString(),
    learners: learners.length,
    pairs: [],
    identicalFiles: [],
    sharedLiterals: [],
  };
  /** Declared files per `exercise/learner`, for the side-by-side view. */
  const texts = new Map<string, LearnerFiles>();
  for (const exercise of exercises) {
    const { boilerplate, known, material } = materialOf(exercise);
    const lines = boilerplateOf(boilerplate);
    const files: LearnerFiles[] = [];
    const evidence: LearnerEvidence[] = [];
    for (const learner of learners) {
      const found = learnerEvidence(exercise, learner, lines);
      if (!found) continue;
      files.push(found.files);
      evidence.push(found.evidence);
      texts.set(`${exercise.id}/${learner.learner}`, found.files);
    }
    report.pairs.push(...similarPairs(exercise.id, files, lines, threshold));
    report.identicalFiles.push(...identicalFiles(exercise.id, evidence, known));
    report.sharedLiterals.push(...sharedLiterals(exercise.id, evidence, material));
  }
  report.pairs.sort((a, b) => b.similarity - a.similarity || b.longest - a.longest);
  return { report, texts };
}
