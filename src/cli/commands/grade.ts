import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { seedOption, wholeNumber } from '../parse.js';
import { EXIT } from '../../core/errors.js';
import { packageVersion } from '../../core/paths.js';
import { tr } from '../../i18n/lang.js';
import { style } from '../../ui/style.js';
import { gradeProgress } from '../render/grade-progress.js';
import { action, type Context } from '../context.js';
import { example } from '../help.js';
import { submissionLayout } from '../submission-layout.js';
import { addShardOptions, shardPrelude, type ShardOptions } from './grade-shard.js';
import { registerMerge } from './grade-merge.js';
import { addGradeExtras, afterGrade, classFor } from './grade-extras.js';
import type { ExportOptions } from './grade-export.js';
import { register as registerSimilarity, similarityAfter } from './grade-similarity.js';
import { addEnginesOption, enginesFor, enginesText, type EnginesOptions } from './grade-engines.js';

interface GradeOptions extends ShardOptions, ExportOptions, EnginesOptions {
  submissions?: string;
  out?: string;
  parallel: number;
  resume?: boolean;
  only?: string;
  keep?: boolean;
  deadline?: string;
  similarity?: boolean;
}

/** The engine side of grading, loaded when a class is graded (the one lazy seam: `--help` stays fast). */
async function engineModules() {
  const [labs, engine, preflight, imageLines, run, summary, git] = await Promise.all([
    import('../../course/labs.js'),
    import('../../stack/engine.js'),
    import('../../stack/preflight.js'),
    import('../image-lines.js'),
    import('../../grading/grade/run.js'),
    import('../render/grade-summary.js'),
    import('./grade-git.js'),
  ]);
  return {
    findLab: labs.findLab,
    requireEngine: engine.requireEngine,
    requireCompose: preflight.requireCompose,
    ensureImagesForGrading: imageLines.ensureImagesForGrading,
    gradeClass: run.gradeClass,
    summaryText: summary.summaryText,
    submissionsFrom: git.submissionsFrom,
  };
}

/** First Ctrl-C: finish the learners in flight; the second: stop at once. Returns the remover. */
function onCtrlC(ctx: Context, abort: AbortController): () => void {
  const onSigint = () => {
    if (abort.signal.aborted) {
      ctx.err(
        tr({
          en: 'Stopped at once: the private stacks of the learners in flight are left running; remove them with `de-lab gc`.',
          ko: '바로 멈췄습니다. 채점 중이던 학습자의 개인 스택이 남아 있으니 `de-lab gc`로 지우세요.',
        }),
      );
      process.exit(EXIT.interrupted);
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
  return () => process.off('SIGINT', onSigint);
}

async function grade(ctx: Context, day: string, options: GradeOptions): Promise<number> {
  const prelude = await shardPrelude(ctx, day, options);
  if (prelude.done) return 0;
  const classFile = await classFor(options);
  const engine = await engineModules();
  const lab = engine.findLab(day);
  const out = resolve(options.out ?? `grades-${lab.id}`);
  const source = await engine.submissionsFrom(ctx, options, out, classFile, lab.id);
  const { docker, endpoint } = await engine.requireEngine();
  await engine.requireCompose();
  const prefix = ctx.config.values.imagePrefix;
  await engine.ensureImagesForGrading(ctx, docker, lab);
  const engines = await enginesFor(ctx, options, lab, { docker, host: endpoint.host });
  const abort = new AbortController();
  const offCtrlC = onCtrlC(ctx, abort);
  const live = Boolean(process.stderr.isTTY) && !ctx.json;
  const progress = gradeProgress(ctx.err, { live, quiet: ctx.json, screen: process.stderr });
  let output;
  try {
    output = await engine.gradeClass({
      docker,
      lab,
      prefix,
      submissions: source.dir,
      out,
      parallel: options.parallel,
      engines,
      resume: options.resume,
      only: options.only,
      seed: options.seed,
      keep: options.keep,
      shard: prelude.shard,
      deLabVersion: packageVersion(),
      signal: abort.signal,
      onEvent: progress.onEvent,
      classFile,
      submittedAt: source.submittedAt,
    });
  } finally {
    progress.end();
    offCtrlC();
  }
  const { results, files, interrupted, ungraded } = output;
  await afterGrade(ctx, out, options, output);
  const similar = options.similarity ? await similarityAfter(out) : undefined;
  const notCollected = source.collected?.filter((c) => c.error) ?? [];
  ctx.emit(
    { ...results, files, interrupted, ungraded, collected: source.collected, similarity: similar?.report },
    () =>
      engine.summaryText(
        { day: lab.id, out, submissions: options.submissions, width: process.stdout.columns ?? 120 },
        output,
        similar,
      ) + enginesText(results, ungraded),
  );
  if (interrupted) return EXIT.interrupted;
  return results.stats.errors > 0 || notCollected.length > 0 || ungraded.length > 0 ? EXIT.failed : EXIT.ok;
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
    .addOption(
      new Option('--parallel <n>', "learners graded at once, 1 to 64, capped by the engine's memory")
        .default(1)
        .argParser(wholeNumber(1, 64)),
    )
    .option('--resume', 'continue an interrupted run in --out: learners already graded are kept')
    .option('--only <learner>', 'regrade this learner only and update the reports')
    .addOption(seedOption('a hidden data seed, so output copied from the course seed does not pass'))
    .option('--keep', 'keep each private stack and its files afterwards, to investigate')
    .addHelpText(
      'after',
      example([
        'de-lab grade day4 --submissions ./submissions --parallel 2',
        'de-lab grade day5 --submissions ./submissions --engines default=1,lab-vm,ssh://ta@grader2',
        'de-lab grade day4 --submissions ./submissions --seed 982451653 --out ./grades-day4-hidden',
        'de-lab grade day4 --submissions ./submissions --out ./grades-day4 --resume',
        'de-lab grade day4 --submissions ./submissions --out ./grades-day4 --only kim-minji',
        'de-lab grade day4 --submissions ./submissions --shard 2/4 --out ./grades-shard-2',
        'de-lab grade day4 --submissions ./submissions --ci-workflow github --shards 4 > .github/workflows/grade.yml',
        'de-lab grade day1 --submissions classroom-grades.csv --deadline 2026-03-06T18:00:00+09:00 --similarity',
      ]) + submissionLayout,
    )
    .action(action(grade));
  addEnginesOption(command);
  addShardOptions(command);
  registerMerge(command);
  addGradeExtras(command);
  registerSimilarity(command);
}
