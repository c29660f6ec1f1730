import { relative, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { shareOrPercent } from '../parse.js';
import { tr } from '../../i18n/lang.js';
import { style } from '../../ui/style.js';
import { action, type Context } from '../context.js';
import { example } from '../help.js';

/** Writes similarity.html and similarity.json into `out`; the report and its text for the terminal. */
export async function similarityAfter(out: string, threshold?: number) {
  const { similarityOfGraded } = await import('../../grading/similarity/run.js');
  const { report, files } = await similarityOfGraded(resolve(out), threshold);
  const text = [
    tr({
      en: `Similarity (advice, never a score): ${report.pairs.length} pairs at or above ${Math.round(report.threshold * 100)} %, ${report.identicalFiles.length} identical files, ${report.sharedLiterals.length} shared literals.`,
      ko: `유사도(참고용이며 점수가 아님): ${Math.round(report.threshold * 100)} % 이상인 쌍 ${report.pairs.length}개, 똑같은 파일 ${report.identicalFiles.length}개, 공유된 리터럴 ${report.sharedLiterals.length}개.`,
    }),
    ...report.pairs
      .slice(0, 20)
      .map((p) => `  ${String(Math.round(p.similarity * 100)).padStart(3)} %  ${p.exercise}: ${p.left} ↔ ${p.right}`),
    style.dim(
      `${tr({ en: 'Report', ko: '보고서' })}: ${relative(process.cwd(), files.html).startsWith('..') ? files.html : relative(process.cwd(), files.html)}`,
    ),
  ].join('\n');
  return { report, files, text };
}

async function similarity(ctx: Context, out: string, threshold?: number): Promise<number> {
  const { report, text } = await similarityAfter(out, threshold);
  ctx.emit(report, () => text);
  return 0;
}

export function register(grade: Command): void {
  grade
    .command('similarity <out>')
    .description(
      "Compare a graded class's declared files across learners (starter and solution left out) and write similarity.html: advice, never a score",
    )
    .addOption(
      new Option(
        '--threshold <share>',
        'list pairs at or above this similarity, above 0 up to 1, or a percentage (default: 0.6)',
      ).argParser(shareOrPercent),
    )
    .addHelpText(
      'after',
      example([
        'de-lab grade similarity ./grades-day1',
        'de-lab grade similarity ./grades-day1 --threshold 0.4 --json',
      ]),
    )
    .action(
      action((ctx: Context, out: string, options: { threshold?: number }) => similarity(ctx, out, options.threshold)),
    );
}
