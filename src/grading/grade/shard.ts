import { createHash } from 'node:crypto';
import { DeLabError, EXIT } from '../../core/errors.js';
import { tr } from '../../i18n/lang.js';
import type { Submission } from './submissions.js';

/** One part of a class graded on its own (`--shard K/N`), 1-based. */
export interface Shard {
  index: number;
  count: number;
}

/** What results.json records of a shard, so `grade merge` can check the parts fit together. */
export interface ShardInfo extends Shard {
  /** Learners in the whole submissions folder, and a digest of their ids: every shard must see the same class. */
  classSize: number;
  classDigest: string;
  /** The learners this shard was given (some may have no result if the run was interrupted). */
  assigned: string[];
}

export const MAX_SHARDS = 1000;

const usage = (en: string, ko: string, hint: { en: string; ko: string }) =>
  new DeLabError(tr({ en, ko }), { hint: tr(hint), code: 'E_USAGE', exitCode: EXIT.usage });

const EXAMPLE_HINT = {
  en: 'Give K/N with 1 ≤ K ≤ N, e.g. --shard 1/4, or --shard auto inside a GitLab, Slurm or Kubernetes job.',
  ko: '1 ≤ K ≤ N인 K/N을 주세요(예: --shard 1/4). GitLab, Slurm, Kubernetes 작업 안에서는 --shard auto를 쓸 수 있습니다.',
};

function checked(index: number, count: number, spec: string): Shard {
  if (!Number.isInteger(count) || count < 1 || count > MAX_SHARDS)
    throw usage(
      `Shard ${spec} has no valid count: N must be a whole number from 1 to ${MAX_SHARDS}.`,
      `샤드 ${spec}의 개수가 올바르지 않습니다. N은 1부터 ${MAX_SHARDS}까지의 정수여야 합니다.`,
      EXAMPLE_HINT,
    );
  if (!Number.isInteger(index) || index < 1 || index > count)
    throw usage(
      `Shard ${spec} does not exist: K must be from 1 to ${count}.`,
      `샤드 ${spec}은(는) 없습니다. K는 1부터 ${count}까지여야 합니다.`,
      EXAMPLE_HINT,
    );
  return { index, count };
}

const int = (text: string | undefined) => (text !== undefined && /^\d+$/.test(text.trim()) ? Number(text) : NaN);

/**
 * The shard a job system gave this process: GitLab's `parallel:` (CI_NODE_INDEX, 1-based, and
 * CI_NODE_TOTAL), a Slurm array (SLURM_ARRAY_TASK_ID from SLURM_ARRAY_TASK_MIN, SLURM_ARRAY_TASK_COUNT),
 * a Kubernetes Indexed Job (JOB_COMPLETION_INDEX, 0-based; its count is not in the environment, so
 * it comes from `auto/N`).
 */
function fromEnvironment(env: NodeJS.ProcessEnv, total: number | undefined): Shard {
  const spec = total === undefined ? 'auto' : `auto/${total}`;
  if (env.CI_NODE_INDEX !== undefined && env.CI_NODE_TOTAL !== undefined)
    return checked(int(env.CI_NODE_INDEX), total ?? int(env.CI_NODE_TOTAL), spec);
  if (env.SLURM_ARRAY_TASK_ID !== undefined) {
    const min = int(env.SLURM_ARRAY_TASK_MIN ?? '0');
    const max = int(env.SLURM_ARRAY_TASK_MAX ?? env.SLURM_ARRAY_TASK_ID);
    const count = int(env.SLURM_ARRAY_TASK_COUNT ?? String(max - min + 1));
    if (count !== max - min + 1)
      throw usage(
        `The Slurm array ${min}-${max} has steps or gaps (${count} tasks), so its task ids are not shards 1 to N.`,
        `Slurm 배열 ${min}-${max}에 간격이나 빈 번호가 있어(${count}개 작업) 작업 번호가 샤드 1..N이 아닙니다.`,
        {
          en: 'Submit it as --array=1-N, or pass --shard K/N yourself.',
          ko: '--array=1-N으로 제출하거나 --shard K/N을 직접 주세요.',
        },
      );
    return checked(int(env.SLURM_ARRAY_TASK_ID) - min + 1, total ?? count, spec);
  }
  if (env.JOB_COMPLETION_INDEX !== undefined) {
    if (total === undefined)
      throw usage(
        'A Kubernetes Indexed Job does not tell its pods how many completions it has.',
        'Kubernetes Indexed Job은 파드에 완료 개수를 알려 주지 않습니다.',
        {
          en: 'Pass --shard auto/N with N the job’s spec.completions.',
          ko: 'N을 작업의 spec.completions로 해서 --shard auto/N을 주세요.',
        },
      );
    return checked(int(env.JOB_COMPLETION_INDEX) + 1, total, spec);
  }
  throw usage(
    '--shard auto found no job index (CI_NODE_INDEX, SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX) in the environment.',
    '--shard auto가 환경에서 작업 번호(CI_NODE_INDEX, SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX)를 찾지 못했습니다.',
    { en: 'Pass the shard yourself, e.g. --shard 1/4.', ko: '샤드를 직접 주세요. 예: --shard 1/4.' },
  );
}

/** `K/N`, `auto` or `auto/N` → the shard, or one sentence saying what is wrong. */
export function parseShard(spec: string, env: NodeJS.ProcessEnv = process.env): Shard {
  const text = spec.trim();
  const auto = /^auto(?:\/(\d+))?$/.exec(text);
  if (auto) return fromEnvironment(env, auto[1] === undefined ? undefined : Number(auto[1]));
  const match = /^(\d+)\/(\d+)$/.exec(text);
  if (!match)
    throw usage(
      `--shard takes K/N or auto, not "${spec}".`,
      `--shard에는 "${spec}"이 아니라 K/N 또는 auto를 주세요.`,
      EXAMPLE_HINT,
    );
  return checked(Number(match[1]), Number(match[2]), text);
}

/**
 * The learners of shard K of N: the class sorted by learner id (never by the order on disk), dealt
 * out in turn, so shards differ by at most one learner and every process computes the same split.
 * Learners are not weighted by submission size: a learner's time is the day's stack and exercises,
 * not the bytes sent.
 */
export function shardOf(submissions: Submission[], shard: Shard): { part: Submission[]; info: ShardInfo } {
  const sorted = [...submissions].sort((a, b) => (a.learner < b.learner ? -1 : a.learner > b.learner ? 1 : 0));
  const part = sorted.filter((_, i) => i % shard.count === shard.index - 1);
  return {
    part,
    info: {
      ...shard,
      classSize: sorted.length,
      classDigest: classDigest(sorted.map((s) => s.learner)),
      assigned: part.map((s) => s.learner),
    },
  };
}

export function classDigest(learners: string[]): string {
  return `sha256:${createHash('sha256')
    .update([...learners].sort().join('\n'))
    .digest('hex')
    .slice(0, 16)}`;
}
