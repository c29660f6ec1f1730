import { relative } from 'node:path';
import type { Command } from 'commander';
import { EXIT } from '../../core/errors.js';
import { tr } from '../../i18n/lang.js';
import { style } from '../../ui/style.js';
import { action, type Context } from '../context.js';
import { example } from '../help.js';

async function merge(ctx: Context, outs: string[], options: { out?: string }): Promise<number> {
  const { mergeShards, readShardOutput } = await import('../../grading/grade/merge.js');
  const { summaryTable } = await import('../../grading/reporters/summary.js');
  const first = outs[0] ?? '';
  const out = options.out ?? `grades-${readShardOutput(first).results.day.id}`;
  const { results, files, missingShards, ungraded } = mergeShards(outs, out);
  const rel = (path: string) =>
    relative(process.cwd(), path).startsWith('..') ? path : relative(process.cwd(), path) || '.';
  for (const shard of missingShards)
    ctx.err(
      style.warn(
        tr({
          en: `Shard ${shard} is missing: its learners are not in these reports; grade it with --shard ${shard} and merge again.`,
          ko: `샤드 ${shard}이(가) 없어 그 학습자들은 이 보고서에 없습니다. --shard ${shard}로 채점한 뒤 다시 합치세요.`,
        }),
      ),
    );
  if (ungraded.length > 0)
    ctx.err(
      style.warn(
        tr({
          en: `No result for ${ungraded.join(', ')} (an interrupted shard): continue that shard with --resume and merge again.`,
          ko: `${ungraded.join(', ')}의 결과가 없습니다(중단된 샤드). 그 샤드를 --resume으로 이어서 채점한 뒤 다시 합치세요.`,
        }),
      ),
    );
  ctx.emit({ ...results, files, missingShards, ungraded }, () =>
    [
      summaryTable(results, process.stdout.columns ?? 120),
      '',
      `${tr({ en: 'Reports', ko: '보고서' })}: ${[files.results, files.gradebook, files.junit, files.classHtml].map(rel).join(', ')}`,
    ].join('\n'),
  );
  return results.stats.errors > 0 ? EXIT.failed : EXIT.ok;
}

/** `de-lab grade merge OUT…`; its --out is read from the parent too, since `grade` also has one. */
export function registerMerge(grade: Command): void {
  grade
    .command('merge <shard-out...>')
    .description("For instructors: merge the --out folders of a class graded in shards into one run's reports")
    .option(
      '--out <dir>',
      'where the merged results.json, gradebook.csv, junit.xml and HTML go (default: ./grades-<day>)',
    )
    .addHelpText(
      'after',
      example([
        'de-lab grade merge grades-shard-1 grades-shard-2 --out grades-day4',
        'de-lab grade merge shards/grades-shard-* --out grades-day4 --json',
      ]),
    )
    .action((outs: string[], _options: unknown, command: Command) =>
      action((ctx: Context, dirs: string[], opts: { out?: string }) => merge(ctx, dirs, opts))(
        outs,
        command.optsWithGlobals(),
        command,
      ),
    );
}
