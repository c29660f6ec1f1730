import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadCourse } from '../../src/course/exercises.js';
import {
  exerciseState,
  loadState,
  recordCheckResult,
  revealHint,
  stateBackupFile,
  stateFile,
} from '../../src/course/state.js';
import { onStateRecovery, type StateRecovery } from '../../src/course/state-notice.js';
import { findWorkspace, initWorkspace } from '../../src/course/workspace.js';
import { goodCourse, tempDir } from '../helpers/course.js';

const course = loadCourse(goodCourse);
const passed = { passed: true, score: 4, maxScore: 4, checks: [{ id: 'output-exists', status: 'passed' }] };

function workspace(): string {
  const root = join(tempDir(), 'ws');
  initWorkspace(root, course);
  return root;
}

function listen(): StateRecovery[] {
  const seen: StateRecovery[] = [];
  onStateRecovery((r) => seen.push(r));
  return seen;
}

afterEach(() => onStateRecovery(undefined));

describe('a corrupt or deleted state.json (issue 16 item 10)', () => {
  it('recovers a truncated state.json from the last good copy and keeps the broken file', () => {
    const root = workspace();
    recordCheckResult(root, 'day1', 'word-count', passed);
    revealHint(root, 'day1', 'hello-file', 2);
    writeFileSync(stateFile(root), '{"version": 1, "createdAt": "2030-0');
    const seen = listen();
    const state = loadState(root);
    expect(exerciseState(state, 'day1', 'word-count').attempts).toBe(1);
    expect(exerciseState(state, 'day1', 'hello-file').hintsRevealed).toBe(1);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.from).toBe('last-good');
    // The broken file is kept, never deleted; state.json is valid again.
    expect(readFileSync(seen[0]!.keptAs!, 'utf8')).toContain('2030-0');
    expect(JSON.parse(readFileSync(stateFile(root), 'utf8')).version).toBe(1);
    // Recording keeps working after the recovery.
    recordCheckResult(root, 'day1', 'word-count', passed);
    expect(exerciseState(loadState(root), 'day1', 'word-count').attempts).toBe(2);
  });

  it('recovers from a schema-invalid file too', () => {
    const root = workspace();
    recordCheckResult(root, 'day1', 'word-count', passed);
    writeFileSync(stateFile(root), JSON.stringify({ version: 7, days: 'x' }));
    const seen = listen();
    expect(exerciseState(loadState(root), 'day1', 'word-count').attempts).toBe(1);
    expect(seen[0]!.problem).toMatch(/version|days/);
  });

  it('starts empty (and says so) when there is no good copy, keeping the broken file', () => {
    const root = workspace();
    rmSync(stateBackupFile(root), { force: true });
    writeFileSync(stateFile(root), 'not json');
    const seen = listen();
    expect(loadState(root).days).toEqual({});
    expect(seen[0]!.from).toBe('empty');
    expect(readdirSync(join(root, '.de-lab')).some((name) => name.startsWith('state.corrupt-'))).toBe(true);
  });

  it('a deleted state.json is still a workspace and is recreated from the last good copy', () => {
    const root = workspace();
    recordCheckResult(root, 'day1', 'word-count', passed);
    rmSync(stateFile(root));
    expect(findWorkspace(join(root, 'day1'))?.root).toBe(root);
    const seen = listen();
    expect(exerciseState(loadState(root), 'day1', 'word-count').attempts).toBe(1);
    expect(existsSync(stateFile(root))).toBe(true);
    expect(seen[0]!.from).toBe('last-good');
  });

  it('a valid state.json is read without any recovery', () => {
    const root = workspace();
    recordCheckResult(root, 'day1', 'word-count', passed);
    const seen = listen();
    loadState(root);
    expect(seen).toEqual([]);
  });
});
