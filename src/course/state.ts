import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { errorMessage } from '../core/errors.js';
import { tr } from '../i18n/lang.js';
import { writeFileAtomic } from './atomic.js';
import { notifyRecovery } from './state-notice.js';

import type { StateRecovery } from './state-notice.js';

export { recoveryMessage, type StateRecovery } from './state-notice.js';

/** `.de-lab/state.json` inside a workspace: the learner's progress. */
export const STATE_FILE = join('.de-lab', 'state.json');

/**
 * The shapes of state.json. Validated by hand (validateState) rather than with zod: every command
 * that shows progress reads this file, and loading a schema library costs more start-up time than
 * the whole rest of `de-lab list`. Unknown fields (from a newer de-lab) are kept.
 */
export interface CheckOutcome {
  id: string;
  status: string;
  [key: string]: unknown;
}

export interface AttemptResult {
  passed: boolean;
  score: number;
  maxScore: number;
  /** ISO time of the attempt. */
  at: string;
  checks: CheckOutcome[];
  [key: string]: unknown;
}

export interface ExerciseState {
  hintsRevealed: number;
  attempts: number;
  lastResult?: AttemptResult;
  /** When a check first passed. */
  completedAt?: string;
  [key: string]: unknown;
}

export interface WorkspaceState {
  version: 1;
  createdAt: string;
  /** day id → exercise id → state. */
  days: Record<string, Record<string, ExerciseState>>;
  [key: string]: unknown;
}

class StateShapeError extends Error {
  constructor(
    readonly path: Array<string | number>,
    message: string,
  ) {
    super(message);
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function expect(ok: boolean, path: Array<string | number>, message: string): void {
  if (!ok) throw new StateShapeError(path, message);
}

function count(value: unknown, path: Array<string | number>): number {
  if (value === undefined) return 0;
  expect(
    typeof value === 'number' && Number.isInteger(value) && value >= 0,
    path,
    'expected a whole number of at least 0',
  );
  return value as number;
}

function validateResult(value: unknown, path: Array<string | number>): AttemptResult {
  expect(isObject(value), path, 'expected an object');
  const result = value as Record<string, unknown>;
  expect(typeof result.passed === 'boolean', [...path, 'passed'], 'expected true or false');
  expect(typeof result.score === 'number', [...path, 'score'], 'expected a number');
  expect(typeof result.maxScore === 'number', [...path, 'maxScore'], 'expected a number');
  expect(typeof result.at === 'string', [...path, 'at'], 'expected a string');
  const checks = result.checks ?? [];
  expect(Array.isArray(checks), [...path, 'checks'], 'expected a list');
  (checks as unknown[]).forEach((check, i) => {
    expect(
      isObject(check) && typeof check.id === 'string' && typeof check.status === 'string',
      [...path, 'checks', i],
      'expected { id, status } strings',
    );
  });
  return { ...result, checks } as AttemptResult;
}

/** The state, or a StateShapeError naming the first wrong field (path and what was expected). */
function validateState(data: unknown): WorkspaceState {
  expect(isObject(data), [], 'expected an object');
  const state = data as Record<string, unknown>;
  expect(state.version === 1, ['version'], 'expected 1');
  expect(typeof state.createdAt === 'string', ['createdAt'], 'expected a string');
  const days = state.days ?? {};
  expect(isObject(days), ['days'], 'expected an object');
  const out: WorkspaceState['days'] = {};
  for (const [day, exercises] of Object.entries(days as Record<string, unknown>)) {
    expect(isObject(exercises), ['days', day], 'expected an object');
    out[day] = {};
    for (const [id, raw] of Object.entries(exercises as Record<string, unknown>)) {
      const path = ['days', day, id];
      expect(isObject(raw), path, 'expected an object');
      const entry = raw as Record<string, unknown>;
      const next: ExerciseState = {
        ...entry,
        hintsRevealed: count(entry.hintsRevealed, [...path, 'hintsRevealed']),
        attempts: count(entry.attempts, [...path, 'attempts']),
      };
      if (entry.lastResult !== undefined) next.lastResult = validateResult(entry.lastResult, [...path, 'lastResult']);
      if (entry.completedAt !== undefined)
        expect(typeof entry.completedAt === 'string', [...path, 'completedAt'], 'expected a string');
      out[day]![id] = next;
    }
  }
  return { ...state, version: 1, createdAt: state.createdAt as string, days: out };
}

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
    return {
      ok: false,
      problem: tr({ en: `not valid JSON (${errorMessage(error)})`, ko: `올바른 JSON이 아님(${errorMessage(error)})` }),
    };
  }
  try {
    return { ok: true, state: validateState(data) };
  } catch (error) {
    if (!(error instanceof StateShapeError)) throw error;
    return {
      ok: false,
      problem: tr({
        en: `invalid field ${error.path.join('.') || '(top level)'}: ${error.message}`,
        ko: `${error.path.join('.') || '(최상위)'} 항목이 잘못됨: ${error.message}`,
      }),
    };
  }
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
  // The copy is written whole then renamed, but not fsynced: state.json itself is durable, and
  // the copy only matters if state.json is damaged later (a second fsync on every save is slow).
  const backup = stateBackupFile(workspace);
  const temp = `${backup}.${process.pid}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, backup);
}

export function exerciseState(state: WorkspaceState, day: string, exerciseId: string): ExerciseState {
  return state.days[day]?.[exerciseId] ?? { hintsRevealed: 0, attempts: 0 };
}

/** Read, change one exercise's entry, write back; returns the new entry. */
export function updateExercise(
  workspace: string,
  day: string,
  exerciseId: string,
  change: (entry: ExerciseState) => ExerciseState,
): ExerciseState {
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
  result: {
    passed: boolean;
    score: number;
    maxScore: number;
    checks: ReadonlyArray<{ id: string; status: string; measured?: string }>;
  },
  now = new Date(),
): ExerciseState {
  const at = now.toISOString();
  return updateExercise(workspace, day, exerciseId, (entry) => ({
    ...entry,
    attempts: entry.attempts + 1,
    lastResult: {
      passed: result.passed,
      score: result.score,
      maxScore: result.maxScore,
      at,
      // What a check measured is kept, so the next check can show it next to its own (before and after).
      checks: result.checks.map((check) => ({
        id: check.id,
        status: check.status,
        ...(check.measured ? { measured: check.measured } : {}),
      })),
    },
    completedAt: entry.completedAt ?? (result.passed ? at : undefined),
  }));
}

/** What each check of the exercise's last attempt measured, by check id. */
export function lastMeasured(workspace: string, day: string, exerciseId: string): Map<string, string> {
  const last = exerciseState(loadState(workspace), day, exerciseId).lastResult;
  const found = new Map<string, string>();
  for (const check of last?.checks ?? []) if (typeof check.measured === 'string') found.set(check.id, check.measured);
  return found;
}

/** Reveals one more hint (up to `total`); returns the number revealed now. */
export function revealHint(workspace: string, day: string, exerciseId: string, total: number): number {
  return updateExercise(workspace, day, exerciseId, (entry) => ({
    ...entry,
    hintsRevealed: Math.min(total, entry.hintsRevealed + 1),
  })).hintsRevealed;
}

export type ExerciseStatus = 'passed' | 'failed' | 'not-tried';

/** ✔/✖/· in `list`: the last attempt decides, so a solution broken after passing shows as failed. */
export function statusOf(entry: ExerciseState): ExerciseStatus {
  if (!entry.lastResult) return 'not-tried';
  return entry.lastResult.passed ? 'passed' : 'failed';
}
