import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DeLabError, EXIT } from '../../core/errors.js';
import { tr } from '../../i18n/lang.js';
import { computeStats, RESULTS_SCHEMA, type AppliedContainment, type GradeResults } from './model.js';
import { writeReports, type ReportFiles } from './reports.js';

export interface ShardOutput {
  dir: string;
  results: GradeResults;
}

const refuse = (en: string, ko: string, hint: { en: string; ko: string }, code = 'E_MERGE') =>
  new DeLabError(tr({ en, ko }), { hint: tr(hint), code, exitCode: EXIT.usage });

const SAME_RUN = {
  en: 'Grade every shard with the same de-lab, course, seed and submissions folder, then merge their --out folders.',
  ko: '모든 샤드를 같은 de-lab, 과정, 시드, 제출물 폴더로 채점한 뒤 각 --out 폴더를 합치세요.',
};

/** results.json of one shard's --out folder, or one sentence saying why it is not one. */
export function readShardOutput(dir: string): ShardOutput {
  const file = join(resolve(dir), 'results.json');
  let results: GradeResults | undefined;
  try {
    results = JSON.parse(readFileSync(file, 'utf8')) as GradeResults;
  } catch {
    results = undefined;
  }
  if (!results || results.schema !== RESULTS_SCHEMA)
    throw refuse(`${dir} holds no results.json of de-lab grade.`, `${dir}에 de-lab grade의 results.json이 없습니다.`, {
      en: 'Give the --out folder of each shard.',
      ko: '각 샤드의 --out 폴더를 주세요.',
    });
  if (!results.shard)
    throw refuse(
      `${dir} holds a whole run, not a shard (it was graded without --shard).`,
      `${dir}은(는) 샤드가 아닌 전체 채점 결과입니다(--shard 없이 채점됨).`,
      { en: 'Merge only folders graded with --shard K/N.', ko: '--shard K/N으로 채점한 폴더만 합치세요.' },
    );
  return { dir: resolve(dir), results };
}

const label = (o: ShardOutput) => `${o.results.shard!.index}/${o.results.shard!.count}`;
const courseOf = (r: GradeResults) =>
  JSON.stringify(r.exercises.map((e) => [e.id, e.maxScore, e.checks.map((c) => [c.id, c.kind, c.weight])]));

/** Refuses shards that are not parts of one run: each mismatch in one sentence. */
export function checkShards(outputs: ShardOutput[]): void {
  const first = outputs[0];
  if (!first) throw refuse('Nothing to merge.', '합칠 것이 없습니다.', SAME_RUN, 'E_USAGE');
  const a = first.results;
  const seen = new Map<string, string>();
  const shards = new Map<number, string>();
  for (const o of outputs) {
    const b = o.results;
    const pair = `${first.dir} and ${o.dir}`;
    const pairKo = `${first.dir}와(과) ${o.dir}`;
    if (b.day.id !== a.day.id)
      throw refuse(
        `${pair} graded different days (${a.day.id}, ${b.day.id}).`,
        `${pairKo}는 서로 다른 날(${a.day.id}, ${b.day.id})을 채점했습니다.`,
        SAME_RUN,
      );
    if (b.seed !== a.seed)
      throw refuse(
        `${pair} were graded with different seeds.`,
        `${pairKo}는 서로 다른 시드로 채점되었습니다.`,
        SAME_RUN,
      );
    if (b.deLab !== a.deLab || courseOf(b) !== courseOf(a))
      throw refuse(
        `${pair} were graded by different course versions (de-lab ${a.deLab} and ${b.deLab}, or other exercises).`,
        `${pairKo}는 서로 다른 과정 버전(de-lab ${a.deLab}와 ${b.deLab}, 또는 다른 연습 문제)으로 채점되었습니다.`,
        SAME_RUN,
      );
    if (b.shard!.count !== a.shard!.count || b.shard!.classDigest !== a.shard!.classDigest)
      throw refuse(
        `${pair} are shards of different splits (${label(first)} of ${a.shard!.classSize} learners, ${label(o)} of ${b.shard!.classSize}).`,
        `${pairKo}는 서로 다른 분할의 샤드입니다(${label(first)}: ${a.shard!.classSize}명, ${label(o)}: ${b.shard!.classSize}명).`,
        SAME_RUN,
      );
    const twice = shards.get(b.shard!.index);
    if (twice !== undefined)
      throw refuse(
        `${twice} and ${o.dir} are both shard ${label(o)}.`,
        `${twice}와(과) ${o.dir}가 모두 샤드 ${label(o)}입니다.`,
        {
          en: 'Give each shard’s folder once.',
          ko: '샤드마다 폴더를 한 번만 주세요.',
        },
      );
    shards.set(b.shard!.index, o.dir);
    for (const l of b.learners) {
      const other = seen.get(l.learner);
      if (other !== undefined)
        throw refuse(
          `Learner ${l.learner} is in both ${other} and ${o.dir}.`,
          `학습자 ${l.learner}이(가) ${other}와(과) ${o.dir}에 모두 있습니다.`,
          {
            en: 'Merge the folders of one sharded run only, each once.',
            ko: '한 번의 샤드 채점에서 나온 폴더만 한 번씩 합치세요.',
          },
        );
      seen.set(l.learner, o.dir);
    }
  }
}

function mergeApplied(list: AppliedContainment[]): AppliedContainment {
  const all = (key: 'composeConfined' | 'buildPidsLimited') => {
    const known = list.map((x) => x[key]).filter((v): v is boolean => v !== undefined);
    return known.length ? known.every(Boolean) : undefined;
  };
  return { ...list[0]!, composeConfined: all('composeConfined'), buildPidsLimited: all('buildPidsLimited') };
}

/** One run's results from its shards: learners in the order a single run lists them, stats recomputed. */
export function mergeResults(
  outputs: ShardOutput[],
  out: string,
): { results: GradeResults; missingShards: string[]; ungraded: string[] } {
  checkShards(outputs);
  const first = outputs[0]!.results;
  const count = first.shard!.count;
  const present = new Set(outputs.map((o) => o.results.shard!.index));
  const missingShards = Array.from({ length: count }, (_, i) => i + 1)
    .filter((k) => !present.has(k))
    .map((k) => `${k}/${count}`);
  const learners = outputs
    .flatMap((o) => o.results.learners)
    .sort((a, b) => (a.learner < b.learner ? -1 : a.learner > b.learner ? 1 : 0));
  const graded = new Set(learners.map((l) => l.learner));
  const ungraded = outputs.flatMap((o) => o.results.shard!.assigned.filter((id) => !graded.has(id)));
  const started = Math.min(...outputs.map((o) => Date.parse(o.results.startedAt)));
  const finished = Math.max(...outputs.map((o) => Date.parse(o.results.finishedAt)));
  const { shard: _shard, ...base } = first;
  void _shard;
  const results: GradeResults = {
    ...base,
    out: resolve(out),
    startedAt: new Date(started).toISOString(),
    finishedAt: new Date(finished).toISOString(),
    seconds: Math.round((finished - started) / 100) / 10,
    parallel: outputs.reduce((sum, o) => sum + o.results.parallel, 0),
    limits: { archive: first.limits.archive, applied: mergeApplied(outputs.map((o) => o.results.limits.applied)) },
    learners,
    stats: computeStats(first.exercises, learners),
    merged: {
      from: outputs.map((o) => ({ out: o.dir, shard: label(o), learners: o.results.learners.length })),
      missingShards,
    },
  };
  return { results, missingShards, ungraded };
}

/** `de-lab grade merge`: checks the shards, then writes every report of a single run into `out`. */
export function mergeShards(dirs: string[], out: string): ReturnType<typeof mergeResults> & { files: ReportFiles } {
  const target = resolve(out);
  const outputs = dirs.map(readShardOutput);
  if (outputs.some((o) => o.dir === target))
    throw refuse(`${out} is one of the shards being merged.`, `${out}은(는) 합치는 샤드 중 하나입니다.`, {
      en: 'Choose another folder with --out.',
      ko: '--out으로 다른 폴더를 고르세요.',
    });
  const existing = join(target, 'results.json');
  if (existsSync(existing)) {
    let merged = false;
    try {
      merged = (JSON.parse(readFileSync(existing, 'utf8')) as GradeResults).merged !== undefined;
    } catch {
      merged = false;
    }
    if (!merged)
      throw refuse(`${out} already holds the results of a grading run.`, `${out}에 이미 채점 결과가 있습니다.`, {
        en: 'Choose an empty folder with --out (a folder of an earlier merge is fine).',
        ko: '--out으로 빈 폴더를 고르세요(이전에 합친 폴더는 괜찮습니다).',
      });
  }
  const merged = mergeResults(outputs, target);
  return { ...merged, files: writeReports(merged.results, target).files };
}
