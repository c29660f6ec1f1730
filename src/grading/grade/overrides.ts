import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeLabError, EXIT } from '../../core/errors.js';
import { writeFileAtomic } from '../../course/atomic.js';
import { tr } from '../../i18n/lang.js';
import type { CheckStatus } from '../results.js';
import type { GradeResults, GradedCheck, LearnerResult } from './model.js';

export const OVERRIDES_SCHEMA = 'de-lab/grade-overrides@1';

/**
 * An instructor's override of one check's points, with a comment. Kept in overrides.json beside
 * results.json (never in it), with the check's status and points it was made against, so a
 * regrade can tell which overrides met a check that has changed since.
 */
export interface Override {
  learner: string;
  exercise: string;
  check: string;
  points: number;
  comment: string;
  at: string;
  against: { status: CheckStatus; points: number };
}

export interface OverridesFile {
  schema: typeof OVERRIDES_SCHEMA;
  overrides: Override[];
  /** Overrides replaced by a later one for the same check: kept, never lost. */
  replaced: Override[];
}

const empty = (): OverridesFile => ({ schema: OVERRIDES_SCHEMA, overrides: [], replaced: [] });

export const overridesFile = (dir: string) => join(dir, 'overrides.json');

export function readOverrides(dir: string): OverridesFile {
  const file = overridesFile(dir);
  if (!existsSync(file)) return empty();
  let data: Partial<OverridesFile>;
  try {
    data = JSON.parse(readFileSync(file, 'utf8')) as Partial<OverridesFile>;
  } catch {
    data = {};
  }
  if (data.schema !== OVERRIDES_SCHEMA || !Array.isArray(data.overrides))
    throw new DeLabError(
      tr({ en: `${file} is not an overrides file of de-lab.`, ko: `${file}은(는) de-lab의 조정 파일이 아닙니다.` }),
      {
        hint: tr({
          en: 'Restore it from a backup, or move it away to start without overrides.',
          ko: '백업에서 되살리거나, 조정 없이 시작하려면 다른 곳으로 옮기세요.',
        }),
        code: 'E_OVERRIDES',
        exitCode: EXIT.usage,
      },
    );
  return { schema: OVERRIDES_SCHEMA, overrides: data.overrides, replaced: data.replaced ?? [] };
}

export function writeOverrides(dir: string, file: OverridesFile): void {
  writeFileAtomic(overridesFile(dir), JSON.stringify(file, null, 2) + '\n');
}

const adjustError = (en: string, ko: string, hintEn: string, hintKo: string) =>
  new DeLabError(tr({ en, ko }), { hint: tr({ en: hintEn, ko: hintKo }), code: 'E_OVERRIDE', exitCode: EXIT.usage });

export function findLearner(results: GradeResults, id: string): LearnerResult {
  const learner = results.learners.find((l) => l.learner === id || l.role === id);
  if (learner) return learner;
  const known = results.learners.map((l) => l.learner).join(', ');
  throw adjustError(
    `There is no learner "${id}" in these results (learners: ${known}).`,
    `이 결과에 학습자 "${id}"가 없습니다(학습자: ${known}).`,
    'Give one of the learner ids listed, as in gradebook.csv.',
    '위 목록의 학습자 id를 gradebook.csv에 있는 그대로 주세요.',
  );
}

function findCheck(learner: LearnerResult, check: string, exercise?: string): { exercise: string; check: GradedCheck } {
  const found = learner.exercises
    .filter((e) => exercise === undefined || e.id === exercise)
    .flatMap((e) => e.checks.filter((c) => c.id === check).map((c) => ({ exercise: e.id, check: c })));
  if (found.length === 1) return found[0]!;
  if (found.length > 1)
    throw adjustError(
      `Check "${check}" is in ${found.map((f) => f.exercise).join(' and ')}.`,
      `검사 "${check}"는 ${found.map((f) => f.exercise).join(', ')}에 있습니다.`,
      'Say which one with --exercise.',
      '--exercise로 어느 것인지 정하세요.',
    );
  const ids = learner.exercises.flatMap((e) => e.checks.map((c) => `${e.id}/${c.id}`)).join(', ');
  throw adjustError(
    `There is no check "${check}"${exercise ? ` in ${exercise}` : ''} (checks: ${ids}).`,
    `검사 "${check}"${exercise ? `(${exercise})` : ''}가 없습니다(검사: ${ids}).`,
    'Give one of the checks listed, with --exercise for its exercise.',
    '위 목록의 검사를 주고, 연습은 --exercise로 주세요.',
  );
}

/** Adds (or replaces, keeping the old one) the override of one check; throws one sentence on bad input. */
export function addOverride(
  results: GradeResults,
  file: OverridesFile,
  request: { learner: string; check: string; exercise?: string; points: number; comment: string; at?: string },
): { file: OverridesFile; override: Override } {
  const learner = findLearner(results, request.learner);
  const { exercise, check } = findCheck(learner, request.check, request.exercise);
  if (!Number.isFinite(request.points) || request.points < 0 || request.points > check.weight)
    throw adjustError(
      `--points must be a number from 0 to ${check.weight} (the weight of ${exercise}/${check.id}), not ${request.points}.`,
      `--points는 0부터 ${check.weight}(${exercise}/${check.id}의 배점)까지의 수여야 합니다(${request.points} 아님).`,
      'Run the command again with points within the weight.',
      '배점 안의 점수로 다시 실행하세요.',
    );
  if (request.comment.trim() === '')
    throw adjustError(
      'An override needs a comment that says why.',
      '조정에는 이유를 적은 --comment가 필요합니다.',
      'Add --comment "…" with the reason the learner will read.',
      '학습자가 읽을 이유를 --comment "…"로 더하세요.',
    );
  const override: Override = {
    learner: learner.learner,
    exercise,
    check: check.id,
    points: request.points,
    comment: request.comment.trim(),
    at: request.at ?? new Date().toISOString(),
    against: { status: check.status, points: check.points },
  };
  const same = (o: Override) => o.learner === override.learner && o.exercise === exercise && o.check === check.id;
  return {
    override,
    file: {
      schema: OVERRIDES_SCHEMA,
      overrides: [...file.overrides.filter((o) => !same(o)), override],
      replaced: [...file.replaced, ...file.overrides.filter(same)],
    },
  };
}
