import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { finalView } from '../../src/grading/grade/final.js';
import type { ClassLearner } from '../../src/grading/grade/class-file.js';
import type { GradeResults } from '../../src/grading/grade/model.js';
import { canvasCsv, classCsv, classroomCsv, lmsExport, moodleCsv } from '../../src/grading/reporters/lms.js';
import { sampleResults } from './grade-sample.js';

const fixtures = join(import.meta.dirname, '..', 'fixtures', 'lms');
const fixture = (name: string) => readFileSync(join(fixtures, name), 'utf8');

const learners: ClassLearner[] = [
  { id: 'kim-minji', name: '김민지', lmsId: '1001', email: 'minji@example.edu' },
  { id: 'alice', name: 'Alice Park, Jr.', lmsId: '1002', email: 'alice@example.edu' },
];

/** Two days: day1 with both learners (kim late by 10 %), day2 with alice only (kim sent nothing). */
function days(): GradeResults[] {
  const day1 = sampleResults();
  day1.day = { id: 'day1', title: 'Docker' };
  day1.learners = day1.learners.slice(0, 2);
  day1.learners[1]!.learner = 'kim-minji';
  day1.learners[1]!.late = {
    submittedAt: '2026-03-03T01:00:00.000Z',
    from: 'archive',
    deadline: '2026-03-02T23:59:00.000+09:00',
    zone: 'UTC+9',
    lateSeconds: 36060,
    daysLate: 1,
    percent: 10,
  };
  const day2 = sampleResults();
  day2.day = { id: 'day2', title: 'Fluentd' };
  day2.learners = day2.learners.slice(0, 1);
  return [day1, day2].map((d) => finalView(d, []).results);
}

describe('LMS exports', () => {
  it('writes the Canvas gradebook CSV: header, the Points Possible row, the user ID to match', () => {
    expect(canvasCsv({ days: days(), learners })).toBe(fixture('canvas.csv'));
  });

  it('writes the Moodle grade import CSV with ID number and email address to map users by', () => {
    expect(moodleCsv({ days: days(), learners, perExercise: true })).toBe(fixture('moodle-per-exercise.csv'));
  });

  it('writes the Google Classroom CSV, matched by email', () => {
    expect(classroomCsv({ days: days(), learners })).toBe(fixture('classroom.csv'));
  });

  it("writes de-lab's own class CSV with raw score and late penalty per day", () => {
    expect(lmsExport('csv', { days: days(), learners })).toBe(fixture('class-grades.csv'));
  });

  it('starts with a UTF-8 BOM and keeps Korean names intact', () => {
    const text = canvasCsv({ days: days(), learners });
    expect(Buffer.from(text, 'utf8').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(text).toContain('김민지,1001');
  });

  it('refuses to write a file the LMS cannot match, naming the learners without an id', () => {
    const bare = [{ id: 'kim-minji', name: '김민지' }];
    expect(() => canvasCsv({ days: days(), learners: bare })).toThrow(
      'Canvas matches learners by lmsId, and class.yaml gives none for kim-minji, alice.',
    );
    expect(() => moodleCsv({ days: days(), learners: bare }, 'email')).toThrow(/Moodle matches learners by email/);
  });
});
