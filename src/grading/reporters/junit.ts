import type { GradedCheck, GradeResults, LearnerResult } from '../grade/model.js';

/** Text for XML 1.0: the five entities escaped and characters XML cannot hold at all removed. */
export function xmlText(value: string): string {
  return value
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const attrs = (values: Record<string, string | number>) =>
  Object.entries(values)
    .map(([key, value]) => ` ${key}="${xmlText(String(value))}"`)
    .join('');

const seconds = (value: number) => (Math.round(value * 1000) / 1000).toFixed(3);

function detail(check: GradedCheck): string {
  return [
    check.expected ? `expected: ${check.expected}` : '',
    check.found ? `found: ${check.found}` : '',
    check.message ?? '',
  ]
    .filter(Boolean)
    .join('\n');
}

function testcase(learner: LearnerResult, exercise: string, check: GradedCheck): string {
  const head = `    <testcase${attrs({ classname: `${learner.learner}.${exercise}`, name: `${check.id}: ${check.title}`, time: seconds(check.seconds), assertions: check.weight })}`;
  if (check.status === 'passed') return `${head}/>`;
  const text = detail(check);
  const message = (text.split('\n')[0] ?? '') || check.status;
  // A check that was skipped still earned no points: it is a failure for the gradebook.
  const tag = check.status === 'error' ? 'error' : 'failure';
  return `${head}>\n      <${tag}${attrs({ message, type: check.status })}>${xmlText(text)}</${tag}>\n    </testcase>`;
}

function suite(learner: LearnerResult): string {
  const cases = learner.exercises.flatMap((e) => e.checks.map((c) => ({ exercise: e.id, check: c })));
  const failures = cases.filter((c) => c.check.status === 'failed' || c.check.status === 'skipped').length;
  const errors = cases.filter((c) => c.check.status === 'error').length;
  const properties = [
    ['status', learner.status],
    ['score', String(learner.score)],
    ['maxScore', String(learner.maxScore)],
    ['percent', String(learner.percent)],
    ...(learner.reason ? [['reason', learner.reason]] : []),
    ...(learner.rawScore !== undefined && learner.penalty
      ? [
          ['rawScore', String(learner.rawScore)],
          ['latePenalty', String(learner.penalty)],
        ]
      : []),
    ...(learner.late?.waiver ? [['lateWaiver', learner.late.waiver]] : []),
    ...cases
      .filter((c) => c.check.override)
      .map((c) => [`override:${c.exercise}/${c.check.id}`, `${c.check.points}: ${c.check.override!.comment}`]),
  ]
    .map(([name, value]) => `      <property${attrs({ name: name!, value: value! })}/>`)
    .join('\n');
  return [
    `  <testsuite${attrs({ name: learner.learner, tests: cases.length, failures, errors, skipped: 0, time: seconds(learner.seconds), timestamp: learner.gradedAt.replace(/(\.\d+)?Z$/, '') })}>`,
    `    <properties>\n${properties}\n    </properties>`,
    ...cases.map((c) => testcase(learner, c.exercise, c.check)),
    '  </testsuite>',
  ].join('\n');
}

/** junit.xml: a test suite per learner, a test case per check; failures and errors carry the reason. */
export function junitXml(results: GradeResults): string {
  const all = results.learners.flatMap((l) => l.exercises.flatMap((e) => e.checks));
  const total = {
    name: `de-lab grade ${results.day.id}`,
    tests: all.length,
    failures: all.filter((c) => c.status === 'failed' || c.status === 'skipped').length,
    errors: all.filter((c) => c.status === 'error').length,
    time: seconds(results.seconds),
  };
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites${attrs(total)}>\n${results.learners.map(suite).join('\n')}${results.learners.length ? '\n' : ''}</testsuites>\n`;
}
