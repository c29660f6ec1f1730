import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { unpackSubmission } from '../grade/archive.js';
import type { GradeResults } from '../grade/model.js';
import { detectLayout } from '../grade/submissions.js';

/** Where one learner's exercise folders are, in a private unpacked copy. */
export interface LearnerBase {
  learner: string;
  base: string;
}

/**
 * Unpacks every learner's submission named in results.json (folder, .zip or .tar.gz, with the
 * grader's own archive rules) into `tmp`, and finds the exercise folders in it. A submission that
 * is gone or refused is left out: the similarity report only advises on what it can read.
 */
export async function unpackClass(results: GradeResults, tmp: string): Promise<LearnerBase[]> {
  mkdirSync(tmp, { recursive: true });
  const ids = results.exercises.map((e) => e.id);
  const bases: LearnerBase[] = [];
  for (const learner of results.learners) {
    const path = join(results.submissions, learner.submission.file);
    if (!existsSync(path)) continue;
    const dest = join(mkdtempSync(join(tmp, `${learner.role}-`)), 'unpacked');
    try {
      await unpackSubmission({ path, format: learner.submission.format }, dest, results.limits.archive);
    } catch {
      continue;
    }
    const layout = detectLayout(dest, results.day.id, ids);
    if (layout.found.length > 0) bases.push({ learner: learner.learner, base: layout.base });
  }
  return bases;
}
