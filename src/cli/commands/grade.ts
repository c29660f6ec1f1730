import { readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { seedOption } from '../parse.js';
import { packageRoot } from '../../core/paths.js';
import { tr } from '../../i18n/lang.js';
import type { GradeEvent } from '../../grading/grade/run.js';
import { marks, style } from '../../ui/style.js';
import { action, usageError, type Context } from '../context.js';
import { example } from '../help.js';
import { addShardOptions, shardPrelude, type ShardOptions } from './grade-shard.js';
import { registerMerge } from './grade-merge.js';
import { addGradeExtras, afterGrade, classFor } from './grade-extras.js';
import type { ExportOptions } from './grade-export.js';
import { register as registerSimilarity, similarityAfter } from './grade-similarity.js';

interface GradeOptions extends ShardOptions, ExportOptions {
  submissions?: string;
  out?: string;
  parallel?: string;
  resume?: boolean;
  only?: string;
  seed?: string;
  keep?: boolean;
  deadline?: string;
  similarity?: boolean;
}

const duration = (seconds: number) =>
  seconds >= 60
    ? `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`
    : `${Math.round(seconds)}s`;

/**
 * Progress on stderr: on a terminal one line rewritten in place (done/total, who is running,
 * ETA); elsewhere one plain line per event, so CI logs and pipes stay readable.
 */
export function progressReporter(
  ctx: Context,
  tty: boolean,
): { onEvent: (event: GradeEvent) => void; end: () => void } {
  const running = new Set<string>();
  let done = 0;
  let todo = 0;
  let eta: number | undefined;
  let drawn = false;
  const draw = () => {
    if (!tty) return;
    const width = process.stderr.columns ?? 100;
    const bar = todo > 0 ? '█'.repeat(Math.round((done / todo) * 20)).padEnd(20, '░') : '';
    const line = `${bar} ${done}/${todo}${eta !== undefined ? ` · ETA ${duration(eta)}` : ''} · ${[...running].join(', ')}`;
    process.stderr.write(`\r\u001b[2K${line.slice(0, width - 1)}`);
    drawn = true;
  };
  const say = (text: string) => {
    if (drawn) process.stderr.write('\r\u001b[2K');
    ctx.err(text);
    draw();
  };
  return {
    onEvent(event) {
      if (ctx.json) return;
      switch (event.type) {
        case 'plan':
          todo = event.todo;
          say(
            style.dim(
              `${event.todo} of ${event.total} submissions to grade${event.kept ? `, ${event.kept} kept from before` : ''}; ${event.parallel} at a time` +
                (event.parallel < event.requested && event.todo > event.parallel
                  ? ` (asked ${event.requested}; the engine's ${Math.round(event.engineMemoryBytes / 2 ** 30)} GiB hold ${event.cap})`
                  : ''),
            ),
          );
          break;
        case 'reference':
          say(style.dim(`running the reference solution of ${event.exercise}…`));
          break;
        case 'start':
          running.add(event.learner);
          if (tty) draw();
          else ctx.err(style.dim(`grading ${event.learner}…`));
          break;
        case 'exercise':
          break;
        case 'done': {
          const r = event.result;
          running.delete(r.learner);
          done = event.done;
          eta = event.etaSec;
          const mark =
            r.status === 'graded'
              ? r.score >= r.maxScore
                ? style.ok(marks.ok)
                : style.warn('~')
              : r.status === 'rejected'
                ? style.fail(marks.fail)
                : style.warn(marks.warn);
          say(
            `[${event.done}/${event.todo}] ${mark} ${r.learner} ${r.score}/${r.maxScore} (${r.percent} %) ${r.status} ${style.dim(`${r.seconds.toFixed(1)}s${eta !== undefined && event.done < event.todo ? ` · ETA ${duration(eta)}` : ''}`)}`,
          );
          break;
        }
      }
    },
    end() {
      if (drawn) process.stderr.write('\r\u001b[2K');
    },
  };
}

async function grade(ctx: Context, day: string, options: GradeOptions): Promise<number> {
  const prelude = await shardPrelude(ctx, day, options);
  if (prelude.done) return 0;
  const parallel = options.parallel === undefined ? 1 : Number(options.parallel);
  if (!Number.isInteger(parallel) || parallel < 1 || parallel > 64)
    throw usageError(
      tr({
        en: `--parallel must be a whole number from 1 to 64, not "${options.parallel}".`,
        ko: `--parallel은 1부터 64까지의 정수여야 합니다("${options.parallel}" 아님).`,
      }),
      'de-lab grade day4 --submissions ./submissions --parallel 2',
    );
  const seed = options.seed === undefined ? undefined : Number(options.seed);
  const classFile = await classFor(options);
  const { findLab } = await import('../../course/labs.js');
  const { requireEngine } = await import('../../stack/engine.js');
  const { requireCompose } = await import('../../stack/preflight.js');
  const { ensureDayImages } = await import('../../images/ensure.js');
  const { buildEach } = await import('../image-lines.js');
  const { gradeClass } = await import('../../grading/grade/run.js');
  const { summaryTable } = await import('../../grading/reporters/summary.js');
  const lab = findLab(day);
  const out = resolve(options.out ?? `grades-${lab.id}`);
  const source = await (
    await import('./grade-git.js')
  ).submissionsFrom(ctx, options, out, {
    deadline: classFile?.deadlines[lab.id]?.at,
    latePolicy: classFile?.late !== undefined,
  });
  const { docker } = await requireEngine();
  await requireCompose();
  const prefix = ctx.config.values.imagePrefix;
  await ensureDayImages(
    { docker, composeFile: lab.composeFile, prefix, caFile: ctx.config.values.caFile, tryPull: false },
    { builds: buildEach(ctx, lab.id) },
  );
  const abort = new AbortController();
  const onSigint = () => {
    if (abort.signal.aborted) {
      ctx.err(
        tr({
          en: 'Stopped at once: the private stacks of the learners in flight are left running; remove them with `de-lab gc`.',
          ko: '바로 멈췄습니다. 채점 중이던 학습자의 개인 스택이 남아 있으니 `de-lab gc`로 지우세요.',
        }),
      );
      process.exit(130);
    }
    abort.abort();
    ctx.err(
      style.warn(
        tr({
          en: 'Stopping after the learners in flight (their results are kept; continue later with --resume). Ctrl-C again stops at once.',
          ko: '채점 중인 학습자까지만 마치고 멈춥니다(결과는 남고 --resume으로 이어서 할 수 있음). 한 번 더 Ctrl-C를 누르면 바로 멈춥니다.',
        }),
      ),
    );
  };
  process.on('SIGINT', onSigint);
  const progress = progressReporter(ctx, Boolean(process.stderr.isTTY) && !ctx.json);
  let output;
  try {
    output = await gradeClass({
      docker,
      lab,
      prefix,
      submissions: source.dir,
      out,
      parallel,
      resume: options.resume,
      only: options.only,
      seed,
      keep: options.keep,
      shard: prelude.shard,
      deLabVersion: (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string })
        .version,
      signal: abort.signal,
      onEvent: progress.onEvent,
      classFile,
      submittedAt: source.submittedAt,
    });
  } finally {
    progress.end();
    process.off('SIGINT', onSigint);
  }
  const { results, files, interrupted } = output;
  await afterGrade(ctx, out, options, output);
  const similar = options.similarity ? await similarityAfter(out) : undefined;
  const notCollected = source.collected?.filter((c) => c.error) ?? [];
  const rel = (path: string) => {
    const short = relative(process.cwd(), path);
    return short === '' ? '.' : short.startsWith('..') ? path : short;
  };
  ctx.emit({ ...results, files, interrupted, collected: source.collected, similarity: similar?.report }, () =>
    [
      summaryTable(results, process.stdout.columns ?? 120),
      '',
      `${tr({ en: 'Reports', ko: '보고서' })}: ${[files.results, files.gradebook, files.junit, files.classHtml].map(rel).join(', ')} ${style.dim(`(+${files.learnerHtml.length} learner pages in ${rel(join(out, 'learners'))})`)}`,
      ...(interrupted
        ? [
            style.warn(
              tr({
                en: `Interrupted: continue with de-lab grade ${lab.id} --submissions ${options.submissions} --out ${rel(out)} --resume`,
                ko: `중단됨: de-lab grade ${lab.id} --submissions ${options.submissions} --out ${rel(out)} --resume 로 이어서 하세요`,
              }),
            ),
          ]
        : []),
      ...(similar ? ['', similar.text] : []),
    ].join('\n'),
  );
  if (interrupted) return 130;
  return results.stats.errors > 0 || notCollected.length > 0 ? 1 : 0;
}

export function register(program: Command): void {
  const command = program
    .command('grade <day>')
    .description(
      'For instructors: grade a whole class, each submission on its own in a private, limited stack, and write the reports',
    )
    // Not commander's requiredOption: that would be demanded of `grade similarity` too.
    .option(
      '--submissions <dir|file>',
      'folder with one folder, .zip or .tar.gz per learner (the learner id is the name without extension), or a file of "learner repository-url" lines (GitHub Classroom\'s CSV export as is) to clone with your git credentials',
    )
    .option(
      '--deadline <iso>',
      'with a repository list: grade the last commit at or before this time (ISO-8601 with zone)',
    )
    .option(
      '--similarity',
      'also write similarity.html: declared files compared across learners (advice, never a score)',
    )
    .option(
      '--out <dir>',
      'where results.json, gradebook.csv, junit.xml and the HTML reports go (default: ./grades-<day>)',
    )
    .option('--parallel <n>', "learners graded at once, capped by the engine's memory (default: 1)")
    .option('--resume', 'continue an interrupted run in --out: learners already graded are kept')
    .option('--only <learner>', 'regrade this learner only and update the reports')
    .addOption(seedOption('a hidden data seed, so output copied from the course seed does not pass'))
    .option('--keep', 'keep each private stack and its files afterwards, to investigate')
    .addHelpText(
      'after',
      example([
        'de-lab grade day4 --submissions ./submissions --parallel 2',
        'de-lab grade day4 --submissions ./submissions --seed 982451653 --out ./grades-day4-hidden',
        'de-lab grade day4 --submissions ./submissions --out ./grades-day4 --resume',
        'de-lab grade day4 --submissions ./submissions --out ./grades-day4 --only kim-minji',
        'de-lab grade day4 --submissions ./submissions --shard 2/4 --out ./grades-shard-2',
        'de-lab grade day4 --submissions ./submissions --ci-workflow github --shards 4 > .github/workflows/grade.yml',
        'de-lab grade day1 --submissions classroom-grades.csv --deadline 2026-03-06T18:00:00+09:00 --similarity',
      ]),
    )
    .action(action(grade));
  addShardOptions(command);
  registerMerge(command);
  addGradeExtras(command);
  registerSimilarity(command);
}
