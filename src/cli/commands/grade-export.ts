import type { Command } from 'commander';
import { relative, resolve } from 'node:path';
import { tr } from '../../i18n/lang.js';
import { LMS_FORMATS, type LmsFormat } from '../../grading/reporters/lms.js';
import { action, usageError, type Context } from '../context.js';
import { example } from '../help.js';

export interface ExportOptions {
  format?: string;
  perExercise?: boolean;
  class?: string;
  by?: string;
  to?: string;
}

/** The --format value, checked; undefined when not given. */
export function lmsFormat(value: string | undefined): LmsFormat | undefined {
  if (value === undefined) return undefined;
  if ((LMS_FORMATS as readonly string[]).includes(value)) return value as LmsFormat;
  throw usageError(
    tr({
      en: `--format must be one of ${LMS_FORMATS.join(', ')}, not "${value}".`,
      ko: `--format은 ${LMS_FORMATS.join(', ')} 중 하나여야 합니다("${value}" 아님).`,
    }),
    'de-lab grade export ./grades-day1 --format canvas',
  );
}

/** Writes the LMS file of grading folders; used by `grade export` and by `grade --format`. */
export async function writeExport(ctx: Context, dirs: string[], options: ExportOptions): Promise<string | undefined> {
  const format = lmsFormat(options.format);
  if (!format) return undefined;
  if (options.by !== undefined && options.by !== 'email' && options.by !== 'lms-id')
    throw usageError(
      tr({ en: `--by must be email or lms-id, not "${options.by}".`, ko: `--by는 email 또는 lms-id여야 합니다.` }),
      'de-lab grade export ./grades-day1 --format moodle --by lms-id',
    );
  const { exportGrades } = await import('../../grading/grade/export.js');
  const { findClassFile } = await import('../../grading/grade/class-file.js');
  const written = exportGrades({
    dirs: dirs.map((d) => resolve(d)),
    format,
    perExercise: options.perExercise,
    classFile: options.class ? findClassFile(undefined, options.class) : undefined,
    moodleBy: options.by === 'lms-id' ? 'lmsId' : 'email',
    to: options.to,
  });
  const short = relative(process.cwd(), written.file);
  const shown = short === '' || short.startsWith('..') ? written.file : short;
  if (!ctx.json)
    ctx.err(
      tr({
        en: `${format} gradebook: ${shown} (${written.learners} learners, ${written.columns} grade columns)`,
        ko: `${format} 성적표: ${shown}(학습자 ${written.learners}명, 점수 열 ${written.columns}개)`,
      }),
    );
  return written.file;
}

async function exportCommand(ctx: Context, outs: string[], options: ExportOptions): Promise<number> {
  if (!options.format)
    throw usageError(
      tr({
        en: `de-lab grade export needs --format (${LMS_FORMATS.join(', ')}).`,
        ko: `de-lab grade export에는 --format(${LMS_FORMATS.join(', ')})이 필요합니다.`,
      }),
      'de-lab grade export ./grades-day1 --format canvas',
    );
  const file = await writeExport(ctx, outs, options);
  if (ctx.json) ctx.out(JSON.stringify({ file }, null, 2));
  return 0;
}

export function registerExport(grade: Command): void {
  grade
    .command('export <out...>')
    .description(
      'Write the gradebook an LMS imports (Canvas, Moodle, Google Classroom or CSV) from grading folders, one column per day',
    )
    .option('--format <lms>', `${LMS_FORMATS.join(' | ')}`)
    .option('--per-exercise', 'a column per exercise too, besides the one per day')
    .option('--class <file>', "class.yaml with the learners' names, LMS ids and emails (default: the one graded with)")
    .option('--by <key>', 'Moodle: match learners by email (default) or lms-id')
    .option('--to <file>', 'where to write it (default: <first out>/lms-<format>.csv)')
    .addHelpText(
      'after',
      example([
        'de-lab grade export ./grades-day1 --format canvas',
        'de-lab grade export ./grades-day1 ./grades-day2 --format moodle --by lms-id --per-exercise',
      ]),
    )
    .action((outs: string[], _options: unknown, command: Command) =>
      action(exportCommand)(outs, command.optsWithGlobals() as ExportOptions, command),
    );
}
