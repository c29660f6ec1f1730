import { mkdirSync, mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { nextDayAfterInit } from '../../src/course/next-day.js';
import { emptyState, saveState } from '../../src/course/state.js';

const days = ['day1', 'day2', 'day3', 'day4', 'day5'];

describe('init names the day that start was run for', () => {
  let root = '';
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('the first day for a new folder, or one with no day folder', () => {
    root = mkdtempSync(join(tmpdir(), 'de-lab-next-'));
    expect(nextDayAfterInit(join(root, 'missing'), days)).toBe('day1');
    mkdirSync(join(root, 'notes'));
    expect(nextDayAfterInit(root, days)).toBe('day1');
  });

  it('the day whose folder `start dayN` made before init, the newest of several', () => {
    root = mkdtempSync(join(tmpdir(), 'de-lab-next-'));
    mkdirSync(join(root, 'day3'));
    expect(nextDayAfterInit(root, days)).toBe('day3');
    mkdirSync(join(root, 'day5'));
    utimesSync(join(root, 'day3'), new Date(), new Date(Date.now() + 60_000));
    utimesSync(join(root, 'day5'), new Date(), new Date(Date.now() - 60_000));
    expect(nextDayAfterInit(root, days)).toBe('day3');
  });

  it('the first day again once the folder is a workspace (its day folders are all there)', () => {
    root = mkdtempSync(join(tmpdir(), 'de-lab-next-'));
    mkdirSync(join(root, 'day3'));
    saveState(root, emptyState());
    expect(nextDayAfterInit(root, days)).toBe('day1');
  });
});
