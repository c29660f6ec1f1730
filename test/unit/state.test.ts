import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExerciseResult } from '../../src/grading/results.js';
import { writeFileAtomic } from '../../src/course/atomic.js';
import { loadCourse } from '../../src/course/exercises.js';
import { courseProgress, nextExercise } from '../../src/course/progress.js';
import { onStateRecovery, recoveryMessage, type StateRecovery } from '../../src/course/state-notice.js';
import {
  exerciseState,
  loadState,
  recordCheckResult,
  revealHint,
  saveState,
  stateFile,
} from '../../src/course/state.js';
import { initWorkspace } from '../../src/course/workspace.js';
import { goodCourse, tempDir } from '../helpers/course.js';

const course = loadCourse(goodCourse);

function workspace(): string {
  const root = join(tempDir(), 'ws');
  initWorkspace(root, course);
  return root;
}

const passed = {
  passed: true,
  score: 4,
  maxScore: 4,
  checks: [
    { id: 'output-exists', status: 'passed', weight: 1, seconds: 0.1 },
    { id: 'counts-match', status: 'passed' },
  ],
};
const failed = {
  passed: false,
  score: 1,
  maxScore: 4,
  checks: [
    { id: 'output-exists', status: 'passed' },
    { id: 'counts-match', status: 'failed' },
  ],
};

describe('progress state', () => {
  it('records attempts, the last result and the first completion, and survives a restart', () => {
    const root = workspace();
    recordCheckResult(root, 'day1', 'word-count', failed, new Date('2030-01-01T10:00:00Z'));
    recordCheckResult(root, 'day1', 'word-count', passed, new Date('2030-01-01T11:00:00Z'));
    recordCheckResult(root, 'day1', 'word-count', failed, new Date('2030-01-01T12:00:00Z'));
    expect(revealHint(root, 'day1', 'hello-file', 2)).toBe(1);
    expect(revealHint(root, 'day1', 'hello-file', 2)).toBe(2);
    expect(revealHint(root, 'day1', 'hello-file', 2)).toBe(2);

    // A new process reads only the file.
    const state = loadState(root);
    expect(exerciseState(state, 'day1', 'word-count')).toEqual({
      hintsRevealed: 0,
      attempts: 3,
      completedAt: '2030-01-01T11:00:00.000Z',
      lastResult: {
        passed: false,
        score: 1,
        maxScore: 4,
        at: '2030-01-01T12:00:00.000Z',
        checks: [
          { id: 'output-exists', status: 'passed' },
          { id: 'counts-match', status: 'failed' },
        ],
      },
    });
    expect(exerciseState(state, 'day1', 'hello-file').hintsRevealed).toBe(2);

    const [day1] = courseProgress(course, state);
    expect(day1).toMatchObject({ day: 'day1', done: 0, total: 2, score: 1, maxScore: 5 });
    expect(day1!.exercises.map((e) => [e.id, e.status, e.hintsRevealed])).toEqual([
      ['hello-file', 'not-tried', 2],
      ['word-count', 'failed', 0],
    ]);

    recordCheckResult(root, 'day1', 'hello-file', { passed: true, score: 1, maxScore: 1, checks: [] });
    const later = loadState(root);
    expect(courseProgress(course, later)[0]).toMatchObject({ done: 1, score: 2 });
    expect(nextExercise(course[0]!.exercises, later)?.id).toBe('word-count');
    recordCheckResult(root, 'day1', 'word-count', passed);
    expect(nextExercise(course[0]!.exercises, loadState(root))).toBeUndefined();
  });

  it("takes the grader's ExerciseResult as it is", () => {
    const root = workspace();
    const result: ExerciseResult = {
      day: 'day1',
      exercise: 'hello-file',
      role: 'learner',
      seed: 1,
      passed: true,
      score: 1,
      maxScore: 1,
      steps: [],
      seconds: 2,
      checks: [{ id: 'prints-hello', title: 'Prints hello', kind: 'command', weight: 1, status: 'passed', seconds: 1 }],
    };
    expect(recordCheckResult(root, result.day, result.exercise, result).lastResult?.checks).toEqual([
      { id: 'prints-hello', status: 'passed' },
    ]);
  });

  it('a crash mid-write leaves the old state readable (a stray temp file is ignored)', () => {
    const root = workspace();
    recordCheckResult(root, 'day1', 'hello-file', passed);
    const saved = readFileSync(stateFile(root), 'utf8');
    // What a crash between "write temp" and "rename" leaves behind: a half-written temp file.
    writeFileSync(`${stateFile(root)}.4242.deadbeef.tmp`, saved.slice(0, saved.length / 2));
    expect(exerciseState(loadState(root), 'day1', 'hello-file').attempts).toBe(1);
    recordCheckResult(root, 'day1', 'hello-file', failed);
    expect(exerciseState(loadState(root), 'day1', 'hello-file').attempts).toBe(2);
    // Normal writes leave no temp files of their own.
    expect(readdirSync(join(root, '.de-lab')).filter((name) => name.endsWith('.tmp'))).toEqual([
      'state.json.4242.deadbeef.tmp',
    ]);
  });

  it('writeFileAtomic replaces the whole file or nothing', () => {
    const dir = tempDir();
    const file = join(dir, 'f.txt');
    writeFileAtomic(file, 'old');
    writeFileAtomic(file, 'new');
    expect(readFileSync(file, 'utf8')).toBe('new');
    // Writing into a folder that does not exist fails before touching anything.
    expect(() => writeFileAtomic(join(dir, 'missing', 'f.txt'), 'x')).toThrow();
    expect(readdirSync(dir)).toEqual(['f.txt']);
  });

  it('a damaged state file is recovered and the recovery names the file and the field', () => {
    const root = workspace();
    const seen: StateRecovery[] = [];
    onStateRecovery((r) => seen.push(r));
    writeFileSync(stateFile(root), '{"version": 1, "days": ');
    expect(loadState(root).version).toBe(1);
    expect(recoveryMessage(seen[0]!)).toMatch(/state\.json was unusable \(not valid JSON/);
    writeFileSync(
      stateFile(root),
      JSON.stringify({ version: 1, createdAt: 'x', days: { day1: { 'hello-file': { hintsRevealed: -1 } } } }),
    );
    loadState(root);
    expect(seen[1]!.problem).toMatch(/days\.day1\.hello-file\.hintsRevealed/);
    onStateRecovery(undefined);
  });

  it('an empty state is written by init and keeps unknown fields from newer versions', () => {
    const root = workspace();
    const state = loadState(root);
    expect(state).toMatchObject({ version: 1, days: {} });
    saveState(root, { ...state, future: 'kept' } as typeof state);
    expect((loadState(root) as Record<string, unknown>).future).toBe('kept');
  });
});
