import { join, relative } from 'node:path';
import type { GradeClassOutput } from '../../grading/grade/run.js';
import { summaryTable } from '../../grading/reporters/summary.js';
import { tr } from '../../i18n/lang.js';
import { style } from '../../ui/style.js';

/** A path as short as it reads from here. */
const rel = (path: string) => {
  const short = relative(process.cwd(), path);
  return short === '' ? '.' : short.startsWith('..') ? path : short;
};

/** The summary table, the report files and, when interrupted, the command that continues. */
export function summaryText(
  run: { day: string; out: string; submissions?: string; width: number },
  output: Pick<GradeClassOutput, 'results' | 'files' | 'interrupted'>,
  similar?: { text: string },
): string {
  const { results, files, interrupted } = output;
  return [
    summaryTable(results, run.width),
    '',
    `${tr({ en: 'Reports', ko: '보고서' })}: ${[files.results, files.gradebook, files.junit, files.classHtml].map(rel).join(', ')} ${style.dim(`(+${files.learnerHtml.length} learner pages in ${rel(join(run.out, 'learners'))})`)}`,
    ...(interrupted
      ? [
          style.warn(
            tr({
              en: `Interrupted: continue with de-lab grade ${run.day} --submissions ${run.submissions} --out ${rel(run.out)} --resume`,
              ko: `중단됨: de-lab grade ${run.day} --submissions ${run.submissions} --out ${rel(run.out)} --resume 로 이어서 하세요`,
            }),
          ),
        ]
      : []),
    ...(similar ? ['', similar.text] : []),
  ].join('\n');
}
