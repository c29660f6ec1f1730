import type { Command } from 'commander';
import { seedOption } from '../parse.js';
import { errorMessage } from '../../core/errors.js';
import { tr } from '../../i18n/lang.js';
import type { SelftestRow } from '../../grading/selftest.js';
import { marks, style, table } from '../../ui/style.js';
import { action, usageError, type Context } from '../context.js';
import { example } from '../help.js';

export function renderSelftest(rows: SelftestRow[]): string {
  const mark = (row: SelftestRow) =>
    row.verdict === 'ok'
      ? style.ok(marks.ok)
      : row.verdict === 'skipped'
        ? style.dim(marks.skip)
        : style.fail(marks.fail);
  const side = (s?: { passed: boolean; score: number; maxScore: number }) =>
    s ? `${s.passed ? 'passes' : 'fails'} ${s.score}/${s.maxScore}` : '-';
  const body = table([
    ['', 'DAY', 'EXERCISE', 'STARTER', 'SOLUTION', 'TIME'].map(style.bold),
    ...rows.map((row) => [mark(row), row.day, row.exercise, side(row.starter), side(row.solution), `${row.seconds}s`]),
  ]);
  const notes = rows.filter((row) => row.reason).map((row) => `${mark(row)} ${row.day}/${row.exercise}: ${row.reason}`);
  const bad = rows.filter((row) => row.verdict === 'violation' || row.verdict === 'error').length;
  const ok = rows.filter((row) => row.verdict === 'ok').length;
  const skipped = rows.filter((row) => row.verdict === 'skipped').length;
  return [body, ...(notes.length ? ['', ...notes] : []), '', `${ok} passed, ${bad} failed, ${skipped} skipped`].join(
    '\n',
  );
}

async function selftest(
  ctx: Context,
  days: string[],
  options: { exercise?: string[]; seed?: number; keep?: boolean; crlf?: boolean; twice?: boolean },
): Promise<number> {
  const { listLabs, findLab } = await import('../../course/labs.js');
  const { requireEngine } = await import('../../stack/engine.js');
  const { requireCompose } = await import('../../stack/preflight.js');
  const { selftestDay, exerciseIds } = await import('../../grading/selftest.js');
  const { ensureImagesForGrading } = await import('../image-lines.js');
  const labs = (days.length ? days.map((day) => findLab(day)) : listLabs()).filter(
    (lab) => exerciseIds(lab).length > 0,
  );
  // An id that no chosen day has would select nothing and pass: refuse it before the engine is asked.
  const known = labs.flatMap((lab) => exerciseIds(lab));
  const unknown = (options.exercise ?? []).filter((id) => !known.includes(id));
  if (unknown.length > 0)
    throw usageError(
      tr({
        en: `No exercise called ${unknown.map((id) => `"${id}"`).join(', ')} in ${labs.map((lab) => lab.id).join(', ')}.`,
        ko: `${labs.map((lab) => lab.id).join(', ')}에 ${unknown.map((id) => `"${id}"`).join(', ')} 문제가 없습니다.`,
      }),
      tr({ en: `Choose from: ${known.join(', ')}.`, ko: `다음 중에서 고르세요: ${known.join(', ')}.` }),
    );
  const { docker } = await requireEngine();
  await requireCompose();
  const rows: SelftestRow[] = [];
  const prefix = ctx.config.values.imagePrefix;
  for (const lab of labs) {
    let skip: string | undefined;
    try {
      await ensureImagesForGrading(ctx, docker, lab);
    } catch (error) {
      skip = errorMessage(error);
    }
    if (skip) {
      for (const exercise of exerciseIds(lab))
        rows.push({ day: lab.id, exercise, verdict: 'skipped', reason: `skipped: ${skip}`, seconds: 0 });
      continue;
    }
    try {
      rows.push(
        ...(await selftestDay({
          docker,
          lab,
          prefix,
          seed: options.seed,
          only: options.exercise,
          keep: options.keep,
          crlf: options.crlf,
          twice: options.twice,
          onRow: (row) =>
            !ctx.json &&
            ctx.err(
              `${row.verdict === 'ok' ? style.ok(marks.ok) : style.fail(marks.fail)} ${row.day}/${row.exercise} ${style.dim(`${row.seconds}s`)}${row.reason ? ` — ${row.reason}` : ''}`,
            ),
          onProgress: (event) =>
            ctx.verbose &&
            !ctx.json &&
            ctx.err(
              style.dim(
                `  ${event.exercise} [${event.role}] ${event.step ? `step ${event.step.id} ${event.step.ok ? 'ok' : `failed: ${event.step.error}`}` : `check ${event.check!.id} ${event.check!.status}${event.check!.found ? `: ${event.check!.found}` : ''}`}`,
              ),
            ),
        })),
      );
    } catch (error) {
      for (const exercise of exerciseIds(lab))
        rows.push({ day: lab.id, exercise, verdict: 'error', reason: errorMessage(error), seconds: 0 });
    }
  }
  ctx.emit({ rows, ok: rows.every((row) => row.verdict === 'ok' || row.verdict === 'skipped') }, (d) =>
    renderSelftest(d.rows),
  );
  return rows.some((row) => row.verdict === 'violation' || row.verdict === 'error') ? 1 : 0;
}

export function register(program: Command): void {
  program
    .command('selftest [days...]')
    .description(
      'For course authors: prove every starter fails and every reference solution passes, in a private stack',
    )
    .option('--exercise <id...>', 'only these exercises')
    .addOption(seedOption('data seed (default: the course seed)'))
    .option('--keep', 'keep the private stack and files afterwards, to investigate')
    .option('--crlf', 'grade copies with Windows (CRLF) line endings: they must score the same')
    .option(
      '--twice',
      'run each reference solution twice, as the reference and as a submission compared with it (shows output that changes between runs)',
    )
    .addHelpText(
      'after',
      example([
        'de-lab selftest',
        'de-lab selftest day1',
        'de-lab selftest day4 --exercise windowed-counts --verbose',
        'de-lab selftest day2 --crlf',
        'de-lab selftest day4 --twice',
      ]),
    )
    .action(action(selftest));
}
