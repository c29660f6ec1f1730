import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../course/atomic.js';
import { gradebookCsv } from '../reporters/csv.js';
import { classHtml, learnerPageHref } from '../reporters/html-class.js';
import { learnerHtml } from '../reporters/html-learner.js';
import { junitXml } from '../reporters/junit.js';
import type { GradeResults } from './model.js';

export interface ReportFiles {
  results: string;
  junit: string;
  gradebook: string;
  classHtml: string;
  learnerHtml: string[];
}

/** Writes every report of the results into `dir`; each from the same model, each atomically. */
export function writeReports(results: GradeResults, dir: string): ReportFiles {
  mkdirSync(join(dir, 'learners'), { recursive: true });
  const files: ReportFiles = {
    results: join(dir, 'results.json'),
    junit: join(dir, 'junit.xml'),
    gradebook: join(dir, 'gradebook.csv'),
    classHtml: join(dir, 'class.html'),
    learnerHtml: results.learners.map((l) => join(dir, learnerPageHref(l.role))),
  };
  writeFileAtomic(files.results, JSON.stringify(results, null, 2) + '\n');
  writeFileAtomic(files.junit, junitXml(results));
  writeFileAtomic(files.gradebook, gradebookCsv(results));
  writeFileAtomic(files.classHtml, classHtml(results));
  results.learners.forEach((learner, i) => writeFileAtomic(files.learnerHtml[i]!, learnerHtml(results, learner)));
  return files;
}
