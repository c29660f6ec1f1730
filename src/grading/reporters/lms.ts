import { DeLabError, EXIT } from '../../core/errors.js';
import { tr } from '../../i18n/lang.js';
import type { ClassLearner } from '../grade/class-file.js';
import type { GradeResults, LearnerResult } from '../grade/model.js';
import { csvRow } from './csv.js';

export const LMS_FORMATS = ['canvas', 'moodle', 'classroom', 'csv'] as const;
export type LmsFormat = (typeof LMS_FORMATS)[number];

export interface LmsInput {
  /** The final view of each day graded (one grading folder each), in column order. */
  days: GradeResults[];
  /** From class.yaml: names, LMS ids and emails, in the order rows are written. */
  learners: ClassLearner[];
  perExercise?: boolean;
}

interface Column {
  name: string;
  max: number;
  score: (learner: LearnerResult) => number | undefined;
}

interface Row {
  id: string;
  info: ClassLearner;
  scores: Array<number | undefined>;
}

/** A column per day (its final score) and, with perExercise, one per exercise (points after overrides). */
function columns(input: LmsInput): Array<Column & { day: string }> {
  return input.days.flatMap((results) => [
    {
      day: results.day.id,
      name: `de-lab ${results.day.id}`,
      max: results.maxScore,
      score: (l: LearnerResult) => l.score,
    },
    ...(input.perExercise
      ? results.exercises.map((e) => ({
          day: results.day.id,
          name: `de-lab ${results.day.id} ${e.id}`,
          max: e.maxScore,
          score: (l: LearnerResult) => l.exercises.find((x) => x.id === e.id)?.score,
        }))
      : []),
  ]);
}

/** One row per learner: the class file's learners first, in its order, then anyone graded but not listed. */
function rows(input: LmsInput): Row[] {
  const cols = columns(input);
  const ids = [...input.learners.map((l) => l.id)];
  for (const results of input.days)
    for (const l of [...results.learners].sort((a, b) => a.learner.localeCompare(b.learner)))
      if (!ids.includes(l.learner)) ids.push(l.learner);
  return ids.map((id) => ({
    id,
    info: input.learners.find((l) => l.id === id) ?? { id },
    scores: cols.map((c) => {
      const learner = input.days.find((d) => d.day.id === c.day)?.learners.find((l) => l.learner === id);
      return learner ? c.score(learner) : undefined;
    }),
  }));
}

function requireField(rowsOf: Row[], field: 'lmsId' | 'email', format: string): void {
  const missing = rowsOf.filter((r) => !r.info[field]).map((r) => r.id);
  if (missing.length)
    throw new DeLabError(
      tr({
        en: `${format} matches learners by ${field}, and class.yaml gives none for ${missing.join(', ')}.`,
        ko: `${format}는 학습자를 ${field}로 맞추는데 class.yaml에 ${missing.join(', ')}의 값이 없습니다.`,
      }),
      {
        hint: tr({
          en: `Add ${field} to those learners in class.yaml (or pass it with --class) and export again.`,
          ko: `class.yaml의 그 학습자들에 ${field}를 더하고(또는 --class로 주고) 다시 내보내세요.`,
        }),
        code: 'E_LMS_EXPORT',
        exitCode: EXIT.usage,
      },
    );
}

/** UTF-8 with a byte order mark (Excel reads Korean names right only with it) and CRLF line ends. */
const file = (lines: Array<Array<string | number | undefined>>) => '\uFEFF' + lines.map(csvRow).join('\r\n') + '\r\n';

/**
 * Canvas gradebook CSV: Student, ID, SIS User ID, SIS Login ID, Section, then an assignment per
 * column, and a second row "Points Possible" (indented as Canvas writes it) with each maximum.
 * Canvas matches rows by ID (its user id: lmsId in class.yaml); a new column name makes a new assignment.
 */
export function canvasCsv(input: LmsInput): string {
  const cols = columns(input);
  const all = rows(input);
  requireField(all, 'lmsId', 'Canvas');
  return file([
    ['Student', 'ID', 'SIS User ID', 'SIS Login ID', 'Section', ...cols.map((c) => c.name)],
    ['    Points Possible', '', '', '', '', ...cols.map((c) => c.max)],
    ...all.map((r) => [r.info.name ?? r.id, r.info.lmsId, '', '', '', ...r.scores]),
  ]);
}

/**
 * Moodle grade import (CSV): a header row, a row per learner; on import the teacher maps
 * "ID number" or "Email address" to the user and each grade column to a grade item.
 */
export function moodleCsv(input: LmsInput, by: 'email' | 'lmsId' = 'email'): string {
  const cols = columns(input);
  const all = rows(input);
  requireField(all, by, 'Moodle');
  return file([
    ['Full name', 'ID number', 'Email address', ...cols.map((c) => c.name)],
    ...all.map((r) => [r.info.name ?? r.id, r.info.lmsId ?? '', r.info.email ?? '', ...r.scores]),
  ]);
}

/** Google Classroom grades sheet: names, Email Address (how Classroom matches), an assignment per column, a Points row. */
export function classroomCsv(input: LmsInput): string {
  const cols = columns(input);
  const all = rows(input);
  requireField(all, 'email', 'Google Classroom');
  return file([
    ['Name', 'Email Address', ...cols.map((c) => c.name)],
    ['Points', '', ...cols.map((c) => c.max)],
    ...all.map((r) => [r.info.name ?? r.id, r.info.email, ...r.scores]),
  ]);
}

/** de-lab's own class CSV: every identity field, then per day the raw score, the late penalty and the final score. */
export function classCsv(input: LmsInput): string {
  const cols = columns(input);
  const all = rows(input);
  const dayOf = (r: Row, day: string) =>
    input.days.find((d) => d.day.id === day)?.learners.find((l) => l.learner === r.id);
  return file([
    [
      'learner',
      'name',
      'lms id',
      'email',
      ...input.days.flatMap((d) => [`${d.day.id} raw`, `${d.day.id} late penalty`]),
      ...cols.map((c) => `${c.name} [${c.max}]`),
    ],
    ...all.map((r) => [
      r.id,
      r.info.name ?? '',
      r.info.lmsId ?? '',
      r.info.email ?? '',
      ...input.days.flatMap((d) => {
        const l = dayOf(r, d.day.id);
        return [l?.rawScore ?? l?.score, l ? (l.penalty ?? 0) : undefined];
      }),
      ...r.scores,
    ]),
  ]);
}

export function lmsExport(format: LmsFormat, input: LmsInput, moodleBy?: 'email' | 'lmsId'): string {
  switch (format) {
    case 'canvas':
      return canvasCsv(input);
    case 'moodle':
      return moodleCsv(input, moodleBy);
    case 'classroom':
      return classroomCsv(input);
    case 'csv':
      return classCsv(input);
  }
}
