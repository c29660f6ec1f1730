import { spawn } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { snapshot } from '../helpers/snapshot.js';
import { readOutput } from '../../src/grading/kinds/file.js';
import { scratchCopy, SCRATCH_DIR } from '../../src/grading/session.js';
import { AnchoredDir, LinkRefused, readContained } from '../../src/stack/sandbox/anchored.js';
import { dropEscapingLinks, openForContainers } from '../../src/stack/sandbox/folders.js';
import { tempDir } from '../helpers/temp.js';

/**
 * Code in a container can replace any folder it can write in its bind-mounted day folder with a
 * link to a host path, at any level and at any moment. de-lab runs on the host (often as root):
 * none of its copies, removals, mode changes or reads may land outside the run's own folder. The
 * "host" here is a canary folder next to the day folder; every test ends by proving it unchanged.
 */
const root = tempDir('de-lab-host-links-');
afterAll(() => rmSync(root, { recursive: true, force: true }));

let n = 0;
let canary: string;
let dayDir: string;
let before: Record<string, string>;
const spec = () => {
  const dir = join(root, `exercise-${n}`);
  mkdirSync(join(dir, 'starter', 'data'), { recursive: true });
  writeFileSync(join(dir, 'starter', 'job.py'), 'starter job');
  writeFileSync(join(dir, 'starter', 'data', 'input.csv'), 'a,b\n1,2\n');
  return { day: 'd', exercise: 'e', dir, files: ['job.py'], steps: [], checks: [] };
};
const learner = () => {
  const dir = join(root, `learner-${n}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'job.py'), 'my job');
  return dir;
};

beforeEach(() => {
  n++;
  canary = join(root, `host-${n}`);
  // What a host folder holds: files, a folder named like a scratch copy, folders named like outputs.
  mkdirSync(join(canary, 'e-learner', 'data'), { recursive: true });
  mkdirSync(join(canary, 'out'), { recursive: true });
  writeFileSync(join(canary, 'passwd'), 'root:x:0:0');
  writeFileSync(join(canary, 'e-learner', 'keep.txt'), 'keep me');
  writeFileSync(join(canary, 'out', 'part-0.csv'), 'host,secret\n');
  chmodSync(join(canary, 'passwd'), 0o600);
  dayDir = join(root, `day-${n}`);
  mkdirSync(dayDir, { mode: 0o777 });
  chmodSync(dayDir, 0o777);
  before = snapshot(canary);
});

describe('host file work never follows a link planted in a folder containers write', () => {
  it('.grading replaced by a link: the copy goes into a real folder of de-lab, the host folder is untouched', () => {
    symlinkSync(canary, join(dayDir, SCRATCH_DIR));
    const { dir } = scratchCopy(spec(), learner(), dayDir, 'e-learner');
    expect(lstatSync(join(dayDir, SCRATCH_DIR)).isSymbolicLink()).toBe(false);
    expect(readFileSync(join(dir, 'job.py'), 'utf8')).toBe('my job');
    expect(snapshot(canary)).toEqual(before);
    // The layout keeps container users out: .grading is de-lab's (0755) in a day folder with the sticky bit.
    expect(lstatSync(join(dayDir, SCRATCH_DIR)).mode & 0o777).toBe(0o755);
    expect(lstatSync(dayDir).mode & 0o1000).toBe(0o1000);
  });

  it('a scratch folder replaced by a link, and every level inside it: copy, modes, link sweep, reads and removal stay inside', () => {
    mkdirSync(join(dayDir, SCRATCH_DIR), { mode: 0o755 });
    symlinkSync(canary, join(dayDir, SCRATCH_DIR, 'e-learner'));
    const { dir } = scratchCopy(spec(), learner(), dayDir, 'e-learner');
    expect(lstatSync(dir).isDirectory()).toBe(true);
    // What the learner's container does during its run: links at every level it can write.
    rmSync(join(dir, 'data'), { recursive: true });
    symlinkSync(join(canary, 'e-learner', 'data'), join(dir, 'data'));
    symlinkSync(join(canary, 'out'), join(dir, 'out'));
    symlinkSync(join(canary, 'passwd'), join(dir, 'result.csv'));
    mkdirSync(join(dir, 'deep', 'er'), { recursive: true });
    symlinkSync(canary, join(dir, 'deep', 'er', 'up'));
    symlinkSync('../../..', join(dir, 'deep', 'climb'));
    openForContainers(dir);
    expect(() => readContained(dir, join(dir, 'out', 'part-0.csv'), 1024)).toThrow(LinkRefused);
    expect(() => readContained(dir, join(dir, 'result.csv'), 1024)).toThrow(LinkRefused);
    expect(() => readOutput(join(dir, 'out'), dir)).toThrow();
    expect(dropEscapingLinks(dir).sort()).toEqual(['data', 'deep/climb', 'deep/er/up', 'out', 'result.csv']);
    // The next exercise's copy (same name) removes this one: never through its links.
    scratchCopy(spec(), learner(), dayDir, 'e-learner');
    expect(snapshot(canary)).toEqual(before);
  });

  it('a container that keeps swapping folders for links while de-lab copies and removes wins nothing', async () => {
    const { dir } = scratchCopy(spec(), learner(), dayDir, 'e-learner');
    for (let i = 0; i < 20; i++) mkdirSync(join(dir, `d${i}`, 'sub'), { recursive: true });
    // A racing process: renames folders away and puts links to the host folder in their place, in a loop.
    const script = `
      const fs = require('fs'); const dir = process.argv[1], host = process.argv[2];
      const end = Date.now() + 1500;
      while (Date.now() < end) for (let i = 0; i < 20; i++) {
        const p = dir + '/d' + i;
        try { fs.renameSync(p, p + '.x'); } catch {}
        try { fs.symlinkSync(host, p); } catch {}
        try { fs.unlinkSync(p); } catch {}
        try { fs.renameSync(p + '.x', p); } catch {}
        try { fs.symlinkSync(host, dir + '/data'); } catch {}
      }`;
    const racer = spawn(process.execPath, ['-e', script, dir, canary], { stdio: 'ignore' });
    const done = new Promise((resolve) => racer.on('exit', resolve));
    const deadline = Date.now() + 1200;
    while (Date.now() < deadline) {
      try {
        openForContainers(dir);
        dropEscapingLinks(dir);
      } catch {
        // the racer removed a folder between two names: nothing to do with the host
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    await done;
    const parent = AnchoredDir.open(join(dayDir, SCRATCH_DIR));
    try {
      expect(parent.remove('e-learner')).toBe(true);
    } finally {
      parent.close();
    }
    expect(existsSync(dir)).toBe(false);
    expect(snapshot(canary)).toEqual(before);
  });

  it('a learner file that is a link, or lies behind one, is not taken into the copy', () => {
    const source = learner();
    rmSync(join(source, 'job.py'));
    symlinkSync(join(canary, 'passwd'), join(source, 'job.py'));
    const { dir, ignored } = scratchCopy(spec(), source, dayDir, 'e-learner');
    expect(ignored).toEqual(['job.py']);
    expect(readFileSync(join(dir, 'job.py'), 'utf8')).toBe('starter job');
    const nested = { ...spec(), files: ['lib/util.py'] };
    const behind = learner();
    symlinkSync(join(canary, 'e-learner'), join(behind, 'lib'));
    writeFileSync(join(canary, 'e-learner', 'util.py'), 'host file');
    before = snapshot(canary);
    const copy = scratchCopy(nested, behind, dayDir, 'e-learner');
    expect(copy.ignored).toEqual(['lib/util.py']);
    expect(existsSync(join(copy.dir, 'lib', 'util.py'))).toBe(false);
    expect(snapshot(canary)).toEqual(before);
  });
});
