import { Option, type Command } from 'commander';
import { tr } from '../../i18n/lang.js';
import type { Shard } from '../../grading/grade/shard.js';
import { wholeNumber } from '../parse.js';
import { usageError, type Context } from '../context.js';

/** The options of `de-lab grade` that split a class over a job system. */
export interface ShardOptions {
  submissions?: string;
  seed?: number;
  shard?: string;
  ciWorkflow?: string;
  shards: number;
}

export function addShardOptions(command: Command): Command {
  return command
    .option(
      '--shard <K/N>',
      'grade only shard K of N of the class (or auto: from GitLab, Slurm or Kubernetes job variables)',
    )
    .addOption(
      new Option(
        '--ci-workflow <system>',
        'print a CI workflow that grades the class in shards, then merges them',
      ).choices(['github']),
    )
    .addOption(
      new Option('--shards <n>', 'how many shards the printed workflow runs, 1 to 256 (a GitHub matrix at most)')
        .default(4)
        .argParser(wholeNumber(1, 256, 4)),
    );
}

/**
 * What `de-lab grade` does before grading: prints the CI workflow (and is done), or resolves the
 * shard to grade. --submissions is checked here rather than made mandatory, so `grade merge` can
 * run without it.
 */
export async function shardPrelude(
  ctx: Context,
  day: string,
  options: ShardOptions,
): Promise<{ done: true } | { done: false; shard?: Shard }> {
  if (options.ciWorkflow !== undefined) {
    const { findLab } = await import('../../course/labs.js');
    const { githubWorkflow, workflowPath } = await import('../../grading/grade/ci-workflow.js');
    const lab = findLab(day);
    const shards = options.shards;
    const workflow = githubWorkflow({
      day: lab.id,
      submissions: options.submissions ?? 'submissions',
      shards,
      hiddenSeed: options.seed !== undefined,
    });
    ctx.emit({ system: options.ciWorkflow, file: workflowPath(lab.id), shards, workflow }, () => workflow);
    return { done: true };
  }
  if (options.submissions === undefined)
    throw usageError(
      tr({
        en: 'de-lab grade needs --submissions: the folder with one folder, .zip or .tar.gz per learner.',
        ko: 'de-lab grade에는 --submissions(학습자마다 폴더, .zip, .tar.gz가 하나씩 든 폴더)가 필요합니다.',
      }),
      `de-lab grade ${day} --submissions ./submissions`,
    );
  if (options.shard === undefined) return { done: false };
  const { parseShard } = await import('../../grading/grade/shard.js');
  return { done: false, shard: parseShard(options.shard) };
}
