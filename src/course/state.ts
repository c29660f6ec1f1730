import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { DeLabError, errorMessage } from '../core/errors.js';
import { tr } from '../i18n/lang.js';
import { writeFileAtomic } from './atomic.js';

/** `.de-lab/state.json` inside a workspace: the learner's progress. */
export const STATE_FILE = join('.de-lab', 'state.json');

const checkOutcomeSchema = z.looseObject({ id: z.string(), status: z.string() });

const resultSchema = z.looseObject({
  passed: z.boolean(),
  score: z.number(),
  maxScore: z.number(),
  /** ISO time of the attempt. */
  at: z.string(),
  checks: z.array(checkOutcomeSchema).default([]),
});

const exerciseStateSchema = z.looseObject({
  hintsRevealed: z.number().int().nonnegative().default(0),
  attempts: z.number().int().nonnegative().default(0),
  lastResult: resultSchema.optional(),
  /** When a check first passed. */
  completedAt: z.string().optional(),
});

const stateSchema = z.looseObject({
  version: z.literal(1),
  createdAt: z.string(),
  /** day id → exercise id → state. */
  days: z.record(z.string(), z.record(z.string(), exerciseStateSchema)).default({}),
});

export type CheckOutcome = z.infer<typeof checkOutcomeSchema>;
export type AttemptResult = z.infer<typeof resultSchema>;
export type ExerciseState = z.infer<typeof exerciseStateSchema>;
export type WorkspaceState = z.infer<typeof stateSchema>;

export function emptyState(now = new Date()): WorkspaceState {
  return { version: 1, createdAt: now.toISOString(), days: {} };
}

export function stateFile(workspace: string): string {
  return join(workspace, STATE_FILE);
}

/** Reads the state; a workspace without one has an empty state. */
export function loadState(workspace: string): WorkspaceState {
  const file = stateFile(workspace);
  if (!existsSync(file)) return emptyState();
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new DeLabError(tr({ en: `Your progress file ${file} is not valid JSON (${errorMessage(error)}).`, ko: `진행 기록 파일 ${file}이 올바른 JSON이 아닙니다(${errorMessage(error)}).` }), {
      hint: tr({ en: 'Fix it by hand, or restore it from git if your workspace is a repository; your exercise files are untouched.', ko: '직접 고치거나, 작업 폴더가 git 저장소라면 git에서 되살리세요. 실습 파일은 그대로입니다.' }),
      code: 'E_STATE',
    });
  }
  const parsed = stateSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new DeLabError(tr({ en: `Your progress file ${file} has an invalid field ${issue.path.join('.') || '(top level)'}: ${issue.message}.`, ko: `진행 기록 파일 ${file}의 ${issue.path.join('.') || '(최상위)'} 항목이 잘못되었습니다: ${issue.message}.` }), {
      hint: tr({ en: 'Fix that field by hand; your exercise files are untouched.', ko: '그 항목을 직접 고치세요. 실습 파일은 그대로입니다.' }),
      code: 'E_STATE',
    });
  }
  return parsed.data;
}

/** Replaces the state file atomically: a crash leaves the old or the new file, never half of one. */
export function saveState(workspace: string, state: WorkspaceState): void {
  const file = stateFile(workspace);
  mkdirSync(dirname(file), { recursive: true });
  writeFileAtomic(file, JSON.stringify(state, null, 2) + '\n');
}

export function exerciseState(state: WorkspaceState, day: string, exerciseId: string): ExerciseState {
  return state.days[day]?.[exerciseId] ?? { hintsRevealed: 0, attempts: 0 };
}

/** Read, change one exercise's entry, write back; returns the new entry. */
export function updateExercise(workspace: string, day: string, exerciseId: string, change: (entry: ExerciseState) => ExerciseState): ExerciseState {
  const state = loadState(workspace);
  const next = change({ ...exerciseState(state, day, exerciseId) });
  state.days[day] = { ...state.days[day], [exerciseId]: next };
  saveState(workspace, state);
  return next;
}

/**
 * Records one `de-lab check` attempt: counts it, keeps it as the last result, and stamps
 * completedAt the first time it passes. `checks` may be the grader's CheckResult[] as is.
 */
export function recordCheckResult(
  workspace: string,
  day: string,
  exerciseId: string,
  result: { passed: boolean; score: number; maxScore: number; checks: ReadonlyArray<{ id: string; status: string }> },
  now = new Date(),
): ExerciseState {
  const at = now.toISOString();
  return updateExercise(workspace, day, exerciseId, (entry) => ({
    ...entry,
    attempts: entry.attempts + 1,
    lastResult: { passed: result.passed, score: result.score, maxScore: result.maxScore, at, checks: result.checks.map((check) => ({ id: check.id, status: check.status })) },
    completedAt: entry.completedAt ?? (result.passed ? at : undefined),
  }));
}

/** Reveals one more hint (up to `total`); returns the number revealed now. */
export function revealHint(workspace: string, day: string, exerciseId: string, total: number): number {
  return updateExercise(workspace, day, exerciseId, (entry) => ({ ...entry, hintsRevealed: Math.min(total, entry.hintsRevealed + 1) })).hintsRevealed;
}

export type ExerciseStatus = 'passed' | 'failed' | 'not-tried';

/** ✔/✖/· in `list`: the last attempt decides, so a solution broken after passing shows as failed. */
export function statusOf(entry: ExerciseState): ExerciseStatus {
  if (!entry.lastResult) return 'not-tried';
  return entry.lastResult.passed ? 'passed' : 'failed';
}
