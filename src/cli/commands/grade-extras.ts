import type { Command } from 'commander';
import { tr } from '../../i18n/lang.js';
import type { GradeClassOutput } from '../../grading/grade/run.js';
import type { ClassFile } from '../../grading/grade/class-file.js';
import { style } from '../../ui/style.js';
import { usageError, type Context } from '../context.js';
import { registerAdjust } from './grade-adjust.js';
import { lmsFormat, registerExport, writeExport, type ExportOptions } from './grade-export.js';

/** Options of `de-lab grade` for class files and LMS exports, and its `adjust` and `export` subcommands. */
export function addGradeExtras(grade: Command): void {
  grade
    .option(
      '--class <file>',
      'class.yaml: learners, deadlines and late policy (default: class.yaml next to --submissions)',
    )
    .option('--format <lms>', 'also write the gradebook an LMS imports: canvas | moodle | classroom | csv')
    .option('--per-exercise', 'with --format: a column per exercise too');
  registerAdjust(grade);
  registerExport(grade);
}

/** The class file of a grading run, read (and checked) before anything is graded. */
export async function classFor(options: {
  submissions?: string;
  class?: string;
  format?: string;
}): Promise<ClassFile | undefined> {
  lmsFormat(options.format);
  if (!options.submissions)
    throw usageError(
      tr({ en: 'de-lab grade needs --submissions.', ko: 'de-lab grade에는 --submissions가 필요합니다.' }),
      'de-lab grade day1 --submissions ./submissions',
    );
  const { findClassFile } = await import('../../grading/grade/class-file.js');
  return findClassFile(options.submissions, options.class);
}

/** After grading: the LMS file when asked for, and the overrides that met a changed check. */
export async function afterGrade(
  ctx: Context,
  out: string,
  options: ExportOptions,
  output: GradeClassOutput,
): Promise<void> {
  const { changed, orphaned } = output.overrides;
  if (!ctx.json) {
    for (const o of changed)
      ctx.err(
        style.warn(
          tr({
            en: `Override kept, but ${o.learner} ${o.exercise}/${o.check} changed since it was made (was ${o.against.status} ${o.against.points}): review it with de-lab grade adjust.`,
            ko: `조정은 남겼지만 ${o.learner} ${o.exercise}/${o.check}가 조정 뒤에 바뀌었습니다(당시 ${o.against.status} ${o.against.points}). de-lab grade adjust로 확인하세요.`,
          }),
        ),
      );
    for (const o of orphaned)
      ctx.err(
        style.warn(
          tr({
            en: `Override of ${o.learner} ${o.exercise}/${o.check} no longer matches a graded check; it stays in overrides.json, unused.`,
            ko: `${o.learner} ${o.exercise}/${o.check}의 조정이 채점된 검사와 맞지 않아 쓰지 않습니다(overrides.json에 남아 있음).`,
          }),
        ),
      );
  }
  await writeExport(ctx, [out], options);
}
