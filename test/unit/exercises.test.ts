import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DeLabError } from '../../src/core/errors.js';
import { findCycle, findExercise, loadCourse, loadExercises, maxScore } from '../../src/course/exercises.js';
import { findLab, listLabs } from '../../src/course/labs.js';
import { copyCourse, goodCourse, labsFixtures } from '../helpers/course.js';

function failure(run: () => unknown): DeLabError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DeLabError);
    return error as DeLabError;
  }
  throw new Error('expected an error');
}

describe('exercise manifests: a good course', () => {
  it('loads days and exercises in lab.yaml order with defaults filled in', () => {
    const course = loadCourse(goodCourse);
    expect(course.map((day) => [day.lab.id, day.exercises.map((e) => e.id)])).toEqual([
      ['day1', ['hello-file', 'word-count']],
      ['day2', ['top-words']],
    ]);
    const [hello, words] = course[0]!.exercises;
    expect(hello!.run).toEqual({ service: 'tools', command: ['sh', '{file}'] });
    expect(hello!.dependsOn).toEqual([]);
    expect(hello!.hints).toHaveLength(2);
    expect(hello!.checks[0]).toMatchObject({
      id: 'prints-hello',
      kind: 'command',
      weight: 1,
      timeoutSec: 60,
      dependsOn: [],
      service: 'tools',
    });
    expect(words!.dependsOn).toEqual(['hello-file']);
    expect(words!.files).toEqual(['count.py', 'lib/util.py']);
    // starter/ may hold support files beyond `files`; they are copied to the workspace too.
    expect(words!.starterFiles).toEqual(['count.py', 'data/words.txt', 'lib/util.py']);
    expect(words!.checks[1]).toMatchObject({
      id: 'counts-match',
      weight: 3,
      timeoutSec: 120,
      dependsOn: ['output-exists'],
      format: 'csv',
      expect: { rows: 'reference' },
    });
    expect(maxScore(words!)).toBe(4);
  });

  it('ignores folders starting with _ under exercises/', () => {
    expect(loadExercises(findLab('2', goodCourse)).map((e) => e.id)).toEqual(['top-words']);
  });

  it('accepts the grading fixture (steps and kind-specific fields pass through)', () => {
    const exercises = loadExercises(findLab('day7', resolve(labsFixtures, '..', 'grading')));
    expect(exercises.map((e) => e.id)).toEqual(['seeded-squares', 'image-user']);
    expect(exercises[1]!.steps.map((s) => s.kind)).toEqual(['cleanup', 'docker-build']);
  });

  it('finds an exercise, and names the valid ids when one does not exist', () => {
    const lab = findLab('day1', goodCourse);
    expect(findExercise(lab, 'word-count').day).toBe('day1');
    const error = failure(() => findExercise(lab, 'hello'));
    expect(error.message).toBe('day1 has no exercise called "hello".');
    expect(error.hint).toBe('Choose one of: hello-file, word-count.');
    expect(error.exitCode).toBe(2);
  });

  it('accepts day4 or 4, and lists the days when neither exists', () => {
    expect(findLab('2', goodCourse).id).toBe('day2');
    expect(findLab('Day1', goodCourse).id).toBe('day1');
    const error = failure(() => findLab('7', goodCourse));
    expect(error.message).toBe('There is no lab called "7".');
    expect(error.hint).toMatch(/day1, day2/);
    expect(error.exitCode).toBe(2);
  });

  it('reports a starter file that disappeared', () => {
    const root = copyCourse();
    rmSync(join(root, 'day1', 'exercises', 'word-count', 'starter', 'lib', 'util.py'));
    expect(failure(() => loadCourse(root)).message).toMatch(
      /word-count\/exercise\.yaml:4:\d+: files\.1: starter\/lib\/util\.py does not exist/,
    );
  });
});

// [fixture, file the error names (relative to the fixture's day1), line:col or '' , message]
const broken: Array<[string, string, string, RegExp]> = [
  ['bad-yaml', 'exercises/only/exercise.yaml', ':3:1', /invalid YAML/],
  ['bad-id', 'exercises/only/exercise.yaml', ':1:5', /id: use kebab-case/],
  ['id-mismatch', 'exercises/only/exercise.yaml', ':1:5', /id: "other-name" must equal the folder name "only"/],
  ['no-hints', 'exercises/only/exercise.yaml', ':5:8', /hints: give at least one hint/],
  ['missing-ko', 'exercises/only/exercise.yaml', ':2:8', /title\.ko: /],
  ['bad-path', 'exercises/only/exercise.yaml', ':4:9', /files\.0: use a relative path/],
  ['missing-solution-file', 'exercises/only/exercise.yaml', ':4:9', /files\.0: solution\/run\.sh does not exist/],
  [
    'missing-instructions',
    'exercises/only/instructions.ko.md',
    '',
    /: missing: every exercise needs instructions\.en\.md and instructions\.ko\.md/,
  ],
  [
    'unknown-dependency',
    'exercises/only/exercise.yaml',
    ':5:13',
    /dependsOn\.0: there is no exercise "nope" in day1 \(exercises: only\)/,
  ],
  [
    'exercise-cycle',
    'exercises/first/exercise.yaml',
    ':5:12',
    /dependsOn: exercises depend on each other in a cycle: first → second → first/,
  ],
  ['duplicate-check', 'exercises/only/exercise.yaml', ':11:9', /checks\.1\.id: check id "runs" is used twice/],
  [
    'bad-check-dependency',
    'exercises/only/exercise.yaml',
    ':11:17',
    /checks\.0\.dependsOn\.0: there is no check "compiles"/,
  ],
  ['bad-weight', 'exercises/only/exercise.yaml', ':11:13', /checks\.0\.weight: /],
  ['listed-missing', 'lab.yaml', ':8:5', /exercises\.1: there is no exercises\/ghost\/exercise\.yaml/],
  ['listed-twice', 'lab.yaml', ':8:5', /exercises\.1: exercise "only" is listed twice/],
  ['not-listed', 'lab.yaml', ':7:3', /exercises: the folder exercises\/forgotten is not listed/],
];

describe('exercise manifests: broken fixtures', () => {
  it.each(broken)('%s names %s%s and the problem', (name, file, position, message) => {
    const root = join(labsFixtures, 'broken', name);
    expect(listLabs(root).map((lab) => lab.id)).toEqual(['day1']);
    const error = failure(() => loadCourse(root));
    expect(error.code).toBe('E_MANIFEST');
    expect(error.message.startsWith(`${join(root, 'day1', file)}${position}: `)).toBe(true);
    expect(error.message).toMatch(message);
  });
});

describe('dependency cycles', () => {
  it('finds the shortest loop back, or nothing', () => {
    expect(
      findCycle(
        new Map([
          ['a', ['b']],
          ['b', ['c']],
          ['c', []],
        ]),
      ),
    ).toBeUndefined();
    expect(
      findCycle(
        new Map([
          ['a', ['b']],
          ['b', ['c']],
          ['c', ['b']],
        ]),
      ),
    ).toEqual(['b', 'c', 'b']);
    expect(findCycle(new Map([['a', ['a']]]))).toEqual(['a', 'a']);
  });
});
