import { chownSync, lstatSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { giveBackToOwner } from '../../src/stack/sandbox/give-back.js';

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(process.getuid?.() !== 0 || process.platform !== 'linux')('giveBackToOwner', () => {
  it("gives a day folder's files to the workspace's owner, links as links, never what they point to", () => {
    const root = mkdtempSync(join(tmpdir(), 'de-lab-give-back-'));
    const outside = mkdtempSync(join(tmpdir(), 'de-lab-give-back-host-'));
    made.push(root, outside);
    writeFileSync(join(outside, 'host-file'), 'host');
    mkdirSync(join(outside, 'host-dir'));
    const day = join(root, 'day7');
    mkdirSync(join(day, 'ex', 'out', 'part'), { recursive: true });
    mkdirSync(join(day, '.grading', 'x'), { recursive: true });
    writeFileSync(join(day, 'ex', 'out', 'part', 'rows.csv'), 'a\n');
    symlinkSync(join(outside, 'host-file'), join(day, 'ex', 'out', 'to-file'));
    symlinkSync(join(outside, 'host-dir'), join(day, 'ex', 'to-dir'));
    chownSync(root, 4321, 4322);

    expect(giveBackToOwner(root, day)).toBeGreaterThan(0);
    for (const path of ['day7', 'day7/ex/out', 'day7/ex/out/part/rows.csv', 'day7/ex/out/to-file', 'day7/ex/to-dir'])
      expect([lstatSync(join(root, path)).uid, lstatSync(join(root, path)).gid], path).toEqual([4321, 4322]);
    expect(statSync(join(outside, 'host-file')).uid).toBe(0);
    expect(statSync(join(outside, 'host-dir')).uid).toBe(0);
    expect(lstatSync(join(day, '.grading', 'x')).uid).toBe(0); // de-lab's own scratch folder
    expect(giveBackToOwner(root, day)).toBe(0);
  });

  it('does nothing for a root-owned workspace, another platform, or when de-lab is not root', () => {
    const root = mkdtempSync(join(tmpdir(), 'de-lab-give-back-'));
    made.push(root);
    mkdirSync(join(root, 'day7', 'out'), { recursive: true });
    expect(giveBackToOwner(root, join(root, 'day7'))).toBe(0);
    chownSync(root, 4321, 4321);
    expect(giveBackToOwner(root, join(root, 'day7'), 0, 'darwin')).toBe(0);
    expect(giveBackToOwner(root, join(root, 'day7'), 1000)).toBe(0);
    expect(lstatSync(join(root, 'day7', 'out')).uid).toBe(0);
  });
});
