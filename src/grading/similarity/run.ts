import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../../course/atomic.js';
import { loadExercises } from '../../course/exercises.js';
import { findLab } from '../../course/labs.js';
import { DeLabError } from '../../core/errors.js';
import { tr } from '../../i18n/lang.js';
import type { GradeResults } from '../grade/model.js';
import { similarityHtml } from '../reporters/html-similarity.js';
import { unpackClass } from './collect.js';
import type { SimilarityReport } from './model.js';
import { buildSimilarity, DEFAULT_THRESHOLD } from './report.js';

export interface SimilarityOutput {
  report: SimilarityReport;
  files: { html: string; json: string };
}

function readResults(out: string): GradeResults {
  const file = join(out, 'results.json');
  if (!existsSync(file))
    throw new DeLabError(tr({ en: `There is no results.json in ${out}.`, ko: `${out}에 results.json이 없습니다.` }), {
      hint: tr({
        en: 'Grade the class first (de-lab grade DAY --submissions DIR --out OUT), then pass that OUT.',
        ko: '먼저 반을 채점한 뒤(de-lab grade DAY --submissions DIR --out OUT) 그 OUT을 지정하세요.',
      }),
      code: 'E_NO_RESULTS',
      exitCode: 2,
    });
  return JSON.parse(readFileSync(file, 'utf8')) as GradeResults;
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
