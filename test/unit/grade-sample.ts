import { courseSeed } from '../../src/course/seed.js';
import {
  computeStats,
  RESULTS_SCHEMA,
  totals,
  unrunExercise,
  type CatalogueExercise,
  type GradedExercise,
  type GradeResults,
  type LearnerResult,
} from '../../src/grading/grade/model.js';

/** A small class for the reporter tests, with names and reasons that need quoting and escaping. */
export const catalogue: CatalogueExercise[] = [
  {
    id: 'squares',
    title: 'Seeded <squares>',
    maxScore: 4,
    checks: [
      { id: 'exists', title: 'out.csv is written', kind: 'file', weight: 1 },
      { id: 'rows', title: 'rows & "values"', kind: 'file', weight: 3 },
    ],
  },
  {
    id: 'image',
    title: 'Image',
    maxScore: 2,
    checks: [{ id: 'user', title: 'non-root', kind: 'docker-image', weight: 2 }],
  },
];

function graded(
  ex: CatalogueExercise,
  statuses: Array<'passed' | 'failed' | 'skipped' | 'error'>,
  reason?: string,
): GradedExercise {
  const checks = ex.checks.map((c, i) => ({
    ...c,
    status: statuses[i]!,
    points: statuses[i] === 'passed' ? c.weight : 0,
    seconds: 0.25,
    ...(statuses[i] === 'failed' ? { expected: '16', found: '8 <b>' } : {}),
    ...(statuses[i] === 'skipped' ? { message: 'not checked: step run failed' } : {}),
  }));
  const score = checks.reduce((s, c) => s + c.points, 0);
  return {
    id: ex.id,
    title: ex.title,
    status: 'graded',
    score,
    maxScore: ex.maxScore,
    passed: score === ex.maxScore,
    reason,
    steps: reason
      ? [{ id: 'run', kind: 'command', ok: false, seconds: 20, error: 'timed out after 20 s', output: 'line1\n<tag>' }]
      : [],
    checks,
    seconds: 1,
  };
}

function learner(
  name: string,
  exercises: GradedExercise[],
  status: LearnerResult['status'] = 'graded',
  reason?: string,
): LearnerResult {
  return {
    learner: name,
    role: `l-${
      name
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '') || 'x'
    }`,
    submission: { file: `${name}.zip`, format: 'zip', fingerprint: 'sha256:00' },
    status,
    reason,
    notes: ['a note'],
    seed: courseSeed(),
    ...totals(exercises),
    exercises,
    gradedAt: '2026-01-02T03:04:05.678Z',
    seconds: 3.5,
  };
}

export function sampleResults(): GradeResults {
  const [sq, im] = catalogue as [CatalogueExercise, CatalogueExercise];
  const learners = [
    learner('alice', [graded(sq, ['passed', 'passed']), graded(im, ['passed'])]),
    learner('kim, "minji"', [graded(sq, ['passed', 'failed']), graded(im, ['failed'])]),
    learner(
      '=HYPERLINK("x")',
      [graded(sq, ['skipped', 'skipped'], 'step run failed: timed out after 20 s'), graded(im, ['passed'])],
      'graded',
      'squares: step run failed:\ntimed out',
    ),
    learner(
      '<script>alert(1)</script>',
      catalogue.map((e) => unrunExercise(e, 'not-run', 'submission rejected: entry "../x" uses ".." (path traversal)')),
      'rejected',
      'entry "../x" uses ".." (path traversal)',
    ),
    learner('bad\u0001char', [graded(sq, ['error', 'skipped']), graded(im, ['passed'])], 'error', 'the grader failed'),
  ];
  return {
    schema: RESULTS_SCHEMA,
    deLab: '0.1.0',
    day: { id: 'day7', title: 'Fixture' },
    seed: courseSeed(),
    courseSeed: true,
    submissions: '/subs',
    out: '/out',
    startedAt: '2026-01-02T03:00:00.000Z',
    finishedAt: '2026-01-02T03:05:00.000Z',
    seconds: 300,
    parallel: 2,
    limits: {
      archive: { maxTotalBytes: 1, maxFiles: 1, maxFileBytes: 1 },
      applied: { memoryBytes: 1, pids: 1, cpus: 1, logCapBytes: 1, timeoutMs: 1 },
    },
    exercises: catalogue,
    maxScore: 6,
    learners,
    stats: computeStats(catalogue, learners),
  };
}
