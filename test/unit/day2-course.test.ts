import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { findLab } from '../../src/course/labs.js';
import { loadExercises, readInstructions } from '../../src/course/exercises.js';
import { loadGradingSpec } from '../../src/grading/spec.js';

// Day 2's course data as the course model and the grading model read it: a broken manifest,
// a missing translation or a grader that ignores the seed fails here, before any container runs.
const lab = findLab('day2');
const exercises = loadExercises(lab);
const CONCEPT_EXERCISES = [
  'route-events',
  'tail-rotation',
  'parse-filter',
  'buffer-workers',
  'docker-logging',
  'reliable-forwarding',
  'kafka-output',
];

describe('day 2 course data', () => {
  it('lists seven exercises, each with a folder, in the order learners meet them', () => {
    expect(exercises.map((e) => e.id)).toEqual(CONCEPT_EXERCISES);
  });

  it('publishes only 127.0.0.1 ports of the 24xxx/98xx range', () => {
    expect(lab.ports.map((p) => p.port).sort((a, b) => a - b)).toEqual([9880, 24220, 24224]);
    const compose = parse(readFileSync(lab.composeFile, 'utf8')) as {
      services: Record<string, { ports?: string[]; container_name?: string }>;
    };
    const published = Object.values(compose.services).flatMap((s) => s.ports ?? []);
    expect(published.length).toBeGreaterThan(0);
    for (const port of published) expect(port).toMatch(/^127\.0\.0\.1:(24\d{3}|98\d{2}):/);
    for (const service of Object.values(compose.services)) expect(service.container_name).toBeUndefined();
  });

  it("keeps the aggregators' output volume out of the fluentd service, where learner configs run", () => {
    const compose = parse(readFileSync(lab.composeFile, 'utf8')) as {
      services: Record<string, { volumes?: string[] }>;
    };
    const fluentd = compose.services.fluentd?.volumes ?? [];
    expect(fluentd.some((v) => v.startsWith('agg-out'))).toBe(false);
    for (const v of fluentd.filter((v) => v.startsWith('./gen'))) expect(v).toMatch(/:ro$/);
  });

  it('never gives the seed to a step in the fluentd service of parse-filter (its Ruby runs there)', () => {
    const spec = loadGradingSpec(lab, 'parse-filter');
    const inFluentd = spec.steps.filter((s) => (s as { service?: string }).service === 'fluentd');
    expect(inFluentd.length).toBeGreaterThan(0);
    for (const step of inFluentd) expect(JSON.stringify(step), step.id).not.toContain('{seed}');
    const prepare = spec.steps.find((s) => s.id === 'prepare-input') as { judge?: string; owner?: string };
    expect(prepare).toMatchObject({ judge: 'fluentd', owner: 'grader' });
  });

  it('declares a seeded generator that runs in the fluentd service', () => {
    expect(lab.generator?.service).toBe('fluentd');
    expect(lab.generator?.flags).toMatchObject({ seed: '--seed', count: '--events', rate: '--rate' });
    expect(existsSync(join(lab.dir, 'gen', 'day2.rb'))).toBe(true);
  });

  for (const exercise of exercises) {
    describe(exercise.id, () => {
      it('has instructions in English and Korean and ordered hints in both', () => {
        expect(readInstructions(exercise, 'en')).toMatch(/^# /);
        expect(readInstructions(exercise, 'ko')).toMatch(/[가-힣]/);
        expect(exercise.hints.length).toBeGreaterThanOrEqual(2);
        for (const hint of exercise.hints) expect(hint.ko).toMatch(/[가-힣]/);
      });

      it('has a starter and a solution for each file, and they differ', () => {
        for (const file of exercise.files) {
          const starter = readFileSync(join(exercise.dir, 'starter', file), 'utf8');
          const solution = readFileSync(join(exercise.dir, 'solution', file), 'utf8');
          expect(starter).not.toEqual(solution);
        }
      });

      it('validates as a grading spec whose run and checks are fed the seed', () => {
        const spec = loadGradingSpec(lab, exercise.id);
        const text = JSON.stringify(spec.steps);
        expect(text).toContain('{seed}');
        const seeded = spec.checks.filter((c) => JSON.stringify(c).includes('{seed}'));
        expect(seeded.length).toBeGreaterThan(0);
        // Every Ruby grader is a `grader` check in a judge container (the verdict line decides,
        // never a text match); the one command check (kafka-dump-log) has an expectation.
        for (const check of spec.checks) {
          const raw = check as unknown as { kind: string; judge?: string; command?: string[]; expect?: unknown };
          if (raw.kind === 'grader') {
            expect(raw.judge, check.id).toBe('fluentd');
            expect(raw.command?.slice(0, 3), check.id).toEqual(['ruby', '/opt/de-lab/gen/day2.rb', 'verify']);
          } else expect(JSON.stringify(raw.expect ?? {}), check.id).not.toBe('{}');
        }
        expect(JSON.stringify(spec)).not.toContain('^PASS');
      });
    });
  }
});
