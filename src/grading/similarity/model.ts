/**
 * The similarity report of a graded class: advice for the instructor, never a score. Nothing in
 * it changes results.json or a grade.
 */
export const SIMILARITY_SCHEMA = 'de-lab/similarity@1';

/** One learner's declared files of one exercise, as text lines. */
export interface LearnerFiles {
  learner: string;
  files: Array<{ file: string; lines: string[] }>;
}

/** A run of matching lines on one side of a pair (1-based, inclusive). */
export interface Span {
  file: string;
  from: number;
  to: number;
}

export interface SimilarPair {
  exercise: string;
  left: string;
  right: string;
  /** Share of both sides' fingerprints that the two have in common (0 to 1), as Dolos computes it. */
  similarity: number;
  /** The longest common run, in fingerprints. */
  longest: number;
  fragments: Array<{ left: Span[]; right: Span[] }>;
}

/** A file that several learners hold byte for byte, and that is not the starter's or the solution's. */
export interface IdenticalFile {
  exercise: string;
  file: string;
  sha256: string;
  learners: string[];
}

/** A literal (number or quoted text) written by a few learners and found nowhere in the exercise's own material. */
export interface SharedLiteral {
  exercise: string;
  literal: string;
  learners: string[];
}

export interface SimilarityReport {
  schema: typeof SIMILARITY_SCHEMA;
  day: string;
  threshold: number;
  generatedAt: string;
  learners: number;
  pairs: SimilarPair[];
  identicalFiles: IdenticalFile[];
  sharedLiterals: SharedLiteral[];
}
