import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeLabError, EXIT } from '../../core/errors.js';
import { writeFileAtomic } from '../../course/atomic.js';
import { tr } from '../../i18n/lang.js';
import { gradebookCsv } from '../reporters/csv.js';
import { classHtml, learnerPageHref } from '../reporters/html-class.js';
import { learnerHtml } from '../reporters/html-learner.js';
import { junitXml } from '../reporters/junit.js';
import { finalView, type FinalView } from './final.js';
import { RESULTS_SCHEMA, type GradeResults } from './model.js';
import { readOverrides } from './overrides.js';

export interface ReportFiles {
  results: string;
  junit: string;
  gradebook: string;
  classHtml: string;
  learnerHtml: string[];
}

/**
 * Writes results.json (as graded, never with the overrides) and every report into `dir`, each
 * atomically. The reports are drawn from the final view: results plus overrides.json plus the
 * late penalties.
 */
export function writeReports(results: GradeResults, dir: string): { files: ReportFiles; view: FinalView } {
  mkdirSync(dir, { recursive: true });
  writeFileAtomic(join(dir, 'results.json'), JSON.stringify(results, null, 2) + '\n');
  return renderReports(results, dir);
}

/** Renders every report again from results.json and overrides.json, e.g. after `de-lab grade adjust`. */
export function renderReports(results: GradeResults, dir: string): { files: ReportFiles; view: FinalView } {
  mkdirSync(join(dir, 'learners'), { recursive: true });
  const view = finalView(results, readOverrides(dir).overrides);
  const final = view.results;
  const files: ReportFiles = {
    results: join(dir, 'results.json'),
    junit: join(dir, 'junit.xml'),
    gradebook: join(dir, 'gradebook.csv'),
    classHtml: join(dir, 'class.html'),
    learnerHtml: final.learners.map((l) => join(dir, learnerPageHref(l.role))),
  };
  writeFileAtomic(files.junit, junitXml(final));
  writeFileAtomic(files.gradebook, gradebookCsv(final));
  writeFileAtomic(files.classHtml, classHtml(final));
  final.learners.forEach((learner, i) => writeFileAtomic(files.learnerHtml[i]!, learnerHtml(final, learner)));
  return { files, view };
}

/** results.json of a grading folder, or one sentence that says what to do. */
export function readResults(dir: string): GradeResults {
  const file = join(dir, 'results.json');
  let results: GradeResults | undefined;
  if (existsSync(file)) {
    try {
      results = JSON.parse(readFileSync(file, 'utf8')) as GradeResults;
    } catch {
      results = undefined;
    }
  }
  if (results?.schema !== RESULTS_SCHEMA)
    throw new DeLabError(
      tr({
        en: `${dir} holds no results.json of de-lab grade.`,
        ko: `${dir}에 de-lab grade의 results.json이 없습니다.`,
      }),
      {
        hint: tr({
          en: 'Give the --out folder of a finished de-lab grade run.',
          ko: '끝난 de-lab grade 실행의 --out 폴더를 주세요.',
        }),
        code: 'E_NO_RESULTS',
        exitCode: EXIT.usage,
      },
    );
  return results;
}
