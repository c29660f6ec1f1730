import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { errorMessage } from '../core/errors.js';
import { tr } from '../i18n/lang.js';
import { writeFileAtomic } from './atomic.js';
import { notifyRecovery } from './state-notice.js';

import type { StateRecovery } from './state-notice.js';

export { recoveryMessage, type StateRecovery } from './state-notice.js';

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

/** The last state de-lab wrote, kept beside it: the copy a corrupt or deleted state.json is recovered from. */
export const STATE_BACKUP_FILE = join('.de-lab', 'state.last-good.json');

export function stateBackupFile(workspace: string): string {
  return join(workspace, STATE_BACKUP_FILE);
}

/** A folder is a workspace when it holds a state file or its last good copy (state.json may have been deleted). */
export function hasState(dir: string): boolean {
  return existsSync(stateFile(dir)) || existsSync(stateBackupFile(dir));
}

type Parsed = { ok: true; state: WorkspaceState } | { ok: false; problem: string };

function parseStateText(text: string): Parsed {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { ok: false, problem: tr({ en: `not valid JSON (${errorMessage(error)})`, ko: `올바른 JSON이 아님(${errorMessage(error)})` }) };
  }
  const parsed = stateSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, problem: tr({ en: `invalid field ${issue.path.join('.') || '(top level)'}: ${issue.message}`, ko: `${issue.path.join('.') || '(최상위)'} 항목이 잘못됨: ${issue.message}` }) };
  }
  return { ok: true, state: parsed.data };
}

function readParsed(file: string): Parsed | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return parseStateText(readFileSync(file, 'utf8'));
  } catch (error) {
    return { ok: false, problem: errorMessage(error) };
  }
}

/**
 * Reads the state. A workspace without one has an empty state. A corrupt state.json is kept
 * beside it (state.corrupt-<time>.json) and replaced by the last good copy (or an empty state when
 * there is none); a deleted one is recreated from the last good copy. Exercise files are never touched.
 */
export function loadState(workspace: string, now = new Date()): WorkspaceState {
  const file = stateFile(workspace);
  const main = readParsed(file);
  if (main?.ok) return main.state;
  const backup = readParsed(stateBackupFile(workspace));
  if (main === undefined && backup === undefined) return emptyState(now);
  let keptAs: string | undefined;
  if (main !== undefined) {
    keptAs = join(dirname(file), `state.corrupt-${now.toISOString().replace(/[:.]/g, '-')}.json`);
    try {
      renameSync(file, keptAs);
    } catch {
      keptAs = undefined;
    }
  }
  const state = backup?.ok ? backup.state : emptyState(now);
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileAtomic(file, JSON.stringify(state, null, 2) + '\n');
  } catch {
    // A read-only workspace still reads; the next save tries again.
  }
  notifyRecovery({
    file,
    problem: main === undefined ? tr({ en: 'it was missing', ko: '파일이 없음' }) : main.problem,
    from: backup?.ok ? 'last-good' : 'empty',
    keptAs,
  });
  return state;
}

/**
 * Replaces the state file atomically: a crash leaves the old or the new file, never half of one.
 * The same content goes to the last good copy, so a later corruption can be recovered.
 */
export function saveState(workspace: string, state: WorkspaceState): void {
  const file = stateFile(workspace);
  mkdirSync(dirname(file), { recursive: true });
  const text = JSON.stringify(state, null, 2) + '\n';
  writeFileAtomic(file, text);
  writeFileAtomic(stateBackupFile(workspace), text);
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
