import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { findLab } from '../../src/course/labs.js';
import { loadExercises, readInstructions } from '../../src/course/exercises.js';
import { loadGradingSpec } from '../../src/grading/spec.js';

// Day 5's course data as the course model and the grading model read it: a broken manifest, a
// missing translation or a grader that ignores the seed fails here, before any container runs.
const lab = findLab('day5');
const exercises = loadExercises(lab);
const STAGES = [
  'fluentd-to-kafka',
  'spark-enrich',
  'druid-ingestion',
  'batch-backfill',
  'turnilo-cube',
  'reset-replay',
];

describe('day 5 course data', () => {
  it('lists the six stages of the pipeline in the order learners meet them', () => {
    expect(exercises.map((e) => e.id)).toEqual(STAGES);
  });

  it('runs the five services from the project images, health-checked, in dependency order, on 127.0.0.1 only', () => {
    const compose = parse(readFileSync(lab.composeFile, 'utf8')) as {
      services: Record<
        string,
        {
          image: string;
          ports?: string[];
          container_name?: string;
          healthcheck?: unknown;
          depends_on?: Record<string, { condition: string }>;
          mem_limit?: string;
        }
      >;
    };
    expect(Object.keys(compose.services).sort()).toEqual(['druid', 'fluentd', 'kafka', 'spark', 'turnilo']);
    for (const [name, service] of Object.entries(compose.services)) {
      expect(service.image, name).toMatch(/^\$\{DE_LAB_IMAGE_PREFIX:-de-lab\}\//);
      expect(service.healthcheck, name).toBeDefined();
      expect(service.mem_limit, name).toBeDefined();
      expect(service.container_name, name).toBeUndefined();
      for (const port of service.ports ?? []) expect(port, name).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
    }
    expect(compose.services.turnilo?.depends_on).toEqual({ druid: { condition: 'service_healthy' } });
    for (const name of ['fluentd', 'spark', 'druid'])
      expect(compose.services[name]?.depends_on).toEqual({ kafka: { condition: 'service_healthy' } });
    expect(lab.memoryMiB).toBeLessThanOrEqual(4096);
  });

  it('declares a seeded generator in the spark service that can feed every stage', () => {
    expect(lab.generator?.service).toBe('spark');
    expect(lab.generator?.flags).toMatchObject({ seed: '--seed', count: '--events', rate: '--rate' });
    const gen = readFileSync(join(lab.dir, 'gen', 'day5.py'), 'utf8');
    expect(gen).toMatch(/choices=\["files", "raw", "enriched", "druid"\]/);
    expect(lab.generator?.description.en).toContain('--feed');
  });

  for (const exercise of exercises) {
    describe(exercise.id, () => {
      it('has instructions in English and Korean and ordered hints in both', () => {
        expect(readInstructions(exercise, 'en')).toMatch(/^# /);
        expect(readInstructions(exercise, 'ko')).toMatch(/[가-힣]/);
        expect(exercise.hints.length).toBeGreaterThanOrEqual(3);
        for (const hint of exercise.hints) expect(hint.ko).toMatch(/[가-힣]/);
      });

      it('has a starter and a reference solution for its file, and they differ', () => {
        expect(exercise.files).toHaveLength(1);
        for (const file of exercise.files) {
          const starter = readFileSync(join(exercise.dir, 'starter', file), 'utf8');
          const solution = readFileSync(join(exercise.dir, 'solution', file), 'utf8');
          expect(starter).not.toEqual(solution);
        }
      });

      it('prepares seeded input only in grader-owned judge steps; every check is a grader verdict (issue 22)', () => {
        const spec = loadGradingSpec(lab, exercise.id);
        expect(JSON.stringify(spec.steps)).toContain('{seed}');
        let learnerRan = false;
        for (const raw of spec.steps) {
          const step = raw as Record<string, unknown>;
          // The seed never reaches a process of the learner's: only grader-owned steps get it, in
          // a judge container, or in a service before any learner step of the exercise has run.
          if (JSON.stringify(step.command ?? '').includes('{seed}')) {
            expect(step.owner, `${exercise.id}/${String(step.id)}`).toBe('grader');
            if (learnerRan) expect(step.judge, `${exercise.id}/${String(step.id)}`).toBeDefined();
          }
          if (step.owner !== 'grader') learnerRan = true;
        }
        for (const raw of spec.checks) {
          const check = raw as Record<string, unknown>;
          expect(check.kind, String(check.id)).toBe('grader');
          // A judge container, or an exec only in kafka (no learner code runs there).
          if (check.judge === undefined) expect(check.service, String(check.id)).toBe('kafka');
        }
        // Graded runs use names of their own, never the learner's pipeline (ratings, ratings-raw, …).
        if (exercise.id !== 'fluentd-to-kafka') expect(JSON.stringify(spec.steps)).toContain('{unique}');
      });
    });
  }

  it('has no text verdicts left: no check matches ^PASS', () => {
    for (const exercise of exercises)
      expect(readFileSync(join(exercise.dir, 'exercise.yaml'), 'utf8'), exercise.id).not.toMatch(/\^PASS/);
  });

  it('mounts only the reference stages that the feeds and graders run', () => {
    const compose = readFileSync(lab.composeFile, 'utf8');
    expect(compose).toContain('./exercises/spark-enrich/solution:/opt/de-lab/reference/spark-enrich:ro');
    expect(compose).toContain('./exercises/druid-ingestion/solution:/opt/de-lab/reference/druid-ingestion:ro');
    expect(existsSync(join(lab.dir, 'exercises', 'spark-enrich', 'solution', 'enrich_ratings.py'))).toBe(true);
  });
});
