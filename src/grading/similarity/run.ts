import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../../course/atomic.js';
import { loadExercises } from '../../course/exercises.js';
import { findLab } from '../../course/labs.js';
import { readResults } from '../grade/reports.js';
import { similarityHtml } from '../reporters/html-similarity.js';
import { unpackClass } from './collect.js';
import type { SimilarityReport } from './model.js';
import { buildSimilarity, DEFAULT_THRESHOLD } from './report.js';

export interface SimilarityOutput {
  report: SimilarityReport;
  files: { html: string; json: string };
}

/**
 * Compares the graded class in `out` (its results.json names the submissions) and writes
 * similarity.html and similarity.json beside the other reports. The grades are not touched.
 */
export async function similarityOfGraded(out: string, threshold = DEFAULT_THRESHOLD): Promise<SimilarityOutput> {
  const results = readResults(out);
  const lab = findLab(results.day.id);
  const tmp = mkdtempSync(join(tmpdir(), 'de-lab-similarity-'));
  try {
    const learners = await unpackClass(results, tmp);
    const { report, texts } = buildSimilarity(lab.id, loadExercises(lab), learners, threshold);
    const files = { html: join(out, 'similarity.html'), json: join(out, 'similarity.json') };
    writeFileAtomic(files.json, JSON.stringify(report, null, 2) + '\n');
    writeFileAtomic(files.html, similarityHtml(report, texts));
    return { report, files };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
