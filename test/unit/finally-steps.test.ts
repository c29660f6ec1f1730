import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import { afterEach, describe, expect, it } from 'vitest';
import { loadCourse } from '../../src/course/exercises.js';
import { findLab } from '../../src/course/labs.js';
import { runExercise } from '../../src/grading/runner.js';
import { gradingSchema } from '../../src/grading/schema.js';
import { loadGradingSpec } from '../../src/grading/spec.js';

// A `finally` step removes what a run made in the learner's stack (day 4 and 5: a check's private
// topics and datasources) after the checks, even when a step failed; its failure is only a note.

/** An engine whose container removals are recorded, and fail for names starting with "bad". */
function engine(removed: string[]): Dockerode {
  return {
    getContainer: (name: string) => ({
      remove: async () => {
        removed.push(name);
        if (name.startsWith('bad')) throw Object.assign(new Error(`cannot remove ${name}`), { statusCode: 500 });
      },
    }),
  } as unknown as Dockerode;
}

const check = { id: 'c', kind: 'file', title: { en: 'c', ko: 'c' }, path: 'x.txt', expect: { exists: true } };

describe('finally steps', () => {
  let root = '';
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  async function run(steps: object[], runToken?: string) {
    root = mkdtempSync(join(tmpdir(), 'de-lab-finally-'));
    const dayDir = join(root, 'day7');
    const workdir = join(dayDir, '.grading', 'x-learner');
    mkdirSync(workdir, { recursive: true });
    const removed: string[] = [];
    const { result } = await runExercise({
      docker: engine(removed),
      lab: findLab('day3'),
      spec: { day: 'day7', exercise: 'x', dir: root, files: [], ...gradingSchema.parse({ steps, checks: [check] }) },
      role: 'learner',
      seed: 1,
      workdir,
      dayDir,
      dayProject: 'de-lab-day7',
      prefix: 'de-lab',
      runToken,
    });
    return { result, removed };
  }

  it('run after the checks, with the run’s names, and are not steps of the result', async () => {
    const { result, removed } = await run([
      { id: 'forget', kind: 'cleanup', finally: true, containers: ['topic-{exercise}-{role}'] },
      { id: 'first', kind: 'cleanup', containers: ['first'] },
    ]);
    expect(removed).toEqual(['first', 'topic-x-learner']);
    expect(result.steps.map((s) => s.id)).toEqual(['first']);
    expect(result.notes).toBeUndefined();
  });

  it('run when a step failed, and a failure of their own is a note, not the score', async () => {
    const { result, removed } = await run([
      { id: 'first', kind: 'cleanup', containers: ['bad-first'] },
      { id: 'forget', kind: 'cleanup', finally: true, containers: ['bad-forget'] },
    ]);
    expect(removed).toEqual(['bad-first', 'bad-forget']);
    expect(result.checks[0]!.status).toBe('skipped');
    expect(result.notes).toEqual([expect.stringContaining('clean-up step forget failed (cannot remove bad-forget)')]);
  });

  it('are skipped in a private stack (selftest, grade), which is removed whole', async () => {
    const { removed } = await run([{ id: 'forget', kind: 'cleanup', finally: true, containers: ['t'] }], 'ab12');
    expect(removed).toEqual([]);
  });

  it('every day-4 and day-5 exercise removes its private topics and datasources', () => {
    for (const day of loadCourse().filter((d) => ['day4', 'day5'].includes(d.lab.id)))
      for (const exercise of day.exercises) {
        const spec = loadGradingSpec(day.lab, exercise.id);
        const forget = spec.steps.find((s) => s.finally);
        expect(forget?.kind, `${day.lab.id}/${exercise.id}`).toBe('command');
        const command = (forget as { command: string[] }).command;
        // Every private name the exercise uses ({exercise}-{role}-{unique}…) is one the step removes.
        const names = new Set(JSON.stringify(spec).match(/\{exercise\}-\{role\}-\{unique\}(-[a-z]+)?/g));
        expect(names.size).toBeGreaterThan(0);
        for (const name of names) expect(command, `${exercise.id}: ${name}`).toContain(name);
      }
  });
});
