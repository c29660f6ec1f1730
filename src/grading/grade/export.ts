import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../../course/atomic.js';
import { lmsExport, type LmsFormat } from '../reporters/lms.js';
import type { ClassFile } from './class-file.js';
import { finalView } from './final.js';
import { readOverrides } from './overrides.js';
import { readResults } from './reports.js';

export const exportFileName = (format: LmsFormat) => (format === 'csv' ? 'class-grades.csv' : `lms-${format}.csv`);

export interface ExportRequest {
  /** Grading folders (one per day), in column order. */
  dirs: string[];
  format: LmsFormat;
  perExercise?: boolean;
  /** Else the class file recorded in the first folder's results.json. */
  classFile?: ClassFile;
  moodleBy?: 'email' | 'lmsId';
  /** Else <first folder>/lms-<format>.csv. */
  to?: string;
}

/** Writes the LMS gradebook of one or more grading folders, from results plus overrides; returns the file. */
export function exportGrades(request: ExportRequest): { file: string; learners: number; columns: number } {
  const days = request.dirs.map((dir) => finalView(readResults(dir), readOverrides(dir).overrides).results);
  const learners =
    request.classFile?.learners ?? days.find((d) => d.class)?.class?.learners ?? ([] as ClassFile['learners']);
  const text = lmsExport(request.format, { days, learners, perExercise: request.perExercise }, request.moodleBy);
  const file = resolve(request.to ?? join(request.dirs[0]!, exportFileName(request.format)));
  writeFileAtomic(file, text);
  const lines = text.split('\r\n');
  return {
    file,
    learners: lines.length - 2 - (request.format === 'canvas' || request.format === 'classroom' ? 1 : 0),
    columns: days.reduce((n, d) => n + 1 + (request.perExercise ? d.exercises.length : 0), 0),
  };
}
