import { isAdjusted, type GradeResults } from '../grade/model.js';

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote, CR or LF, quotes doubled. Text
 * that a spreadsheet would run as a formula (=, +, -, @, tab, CR first) is prefixed with ' .
 */
export function csvField(value: string | number | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRow(values: Array<string | number | undefined>): string {
  return values.map(csvField).join(',');
}

/**
 * gradebook.csv: one row per learner, one column of points per exercise, then the total, the
 * percentage and the status, for import into an LMS gradebook. CRLF line ends, UTF-8.
 */
export function gradebookCsv(results: GradeResults): string {
  const adjusted = isAdjusted(results);
  const header = [
    'learner',
    ...results.exercises.map((e) => `${e.id} [${e.maxScore}]`),
    ...(adjusted ? ['raw', 'late penalty', 'overrides', 'waiver'] : []),
    `total [${results.maxScore}]`,
    'percent',
    'status',
    'reason',
  ];
  const rows = results.learners.map((learner) =>
    csvRow([
      learner.learner,
      ...results.exercises.map((e) => learner.exercises.find((x) => x.id === e.id)?.score ?? 0),
      ...(adjusted
        ? [
            learner.rawScore ?? learner.score,
            learner.penalty ?? 0,
            learner.exercises.flatMap((e) => e.checks.filter((c) => c.override)).length,
            learner.late?.waiver ?? '',
          ]
        : []),
      learner.score,
      learner.percent,
      learner.status,
      learner.reason ?? '',
    ]),
  );
  return [csvRow(header), ...rows].join('\r\n') + '\r\n';
}
