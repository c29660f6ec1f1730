import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withBuildTurn, withRemovalTurn } from '../../src/stack/sandbox/image-lock.js';
import { tempDir } from '../helpers/temp.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function lockDir() {
  return { dir: tempDir('image-lock-'), pollMs: 20 };
}

/** Runs work, logging its start and end under a name. */
function logged(log: string[], name: string, ms: number) {
  return async () => {
    log.push(`${name} start`);
    await sleep(ms);
    log.push(`${name} end`);
  };
}

function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

describe('image lock: learner builds and image removals take turns', () => {
  it('lets builds run side by side', async () => {
    const options = lockDir();
    const log: string[] = [];
    await Promise.all([withBuildTurn(logged(log, 'a', 150), options), withBuildTurn(logged(log, 'b', 150), options)]);
    expect(log.slice(0, 2).sort()).toEqual(['a start', 'b start']);
  });

  it('starts a removal only after the running build, and a build only after the running removal', async () => {
    const options = lockDir();
    const log: string[] = [];
    const build = withBuildTurn(logged(log, 'build', 200), options);
    await sleep(30);
    const removal = withRemovalTurn(logged(log, 'removal', 200), options);
    await sleep(30);
    const late = withBuildTurn(logged(log, 'late build', 10), options);
    await Promise.all([build, removal, late]);
    expect(log).toEqual([
      'build start',
      'build end',
      'removal start',
      'removal end',
      'late build start',
      'late build end',
    ]);
  });

  it('lets one removal run at a time', async () => {
    const options = lockDir();
    const log: string[] = [];
    await Promise.all([
      withRemovalTurn(logged(log, 'one', 100), options),
      withRemovalTurn(logged(log, 'two', 100), options),
    ]);
    expect(log[1]).toMatch(/end$/);
  });

  it('waits for a build of another process', async () => {
    const options = lockDir();
    const mark = join(options.dir, 'build-CHILD-x');
    const child = spawn(process.execPath, [
      '-e',
      `const fs = require('fs'); const f = ${JSON.stringify(mark)}.replace('CHILD', process.pid);
       fs.writeFileSync(f, ''); setTimeout(() => fs.unlinkSync(f), 700); setTimeout(() => {}, 1000);`,
    ]);
    // The child's mark, not a fixed wait: on a busy machine node may take longer than any guess to start.
    const markOf = () => readdirSync(options.dir).some((name) => name.startsWith('build-'));
    while (!markOf()) await sleep(10);
    const started = Date.now();
    await withRemovalTurn(async () => undefined, options);
    expect(Date.now() - started).toBeGreaterThan(250);
    child.kill();
  });

  it('ignores and clears the marks of processes that died', async () => {
    const options = lockDir();
    const pid = deadPid();
    writeFileSync(join(options.dir, `build-${pid}-x`), '');
    mkdirSync(join(options.dir, 'removal'));
    writeFileSync(join(options.dir, 'removal', 'pid'), String(pid));
    const started = Date.now();
    await withBuildTurn(async () => undefined, options);
    await withRemovalTurn(async () => undefined, options);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(existsSync(join(options.dir, `build-${pid}-x`))).toBe(false);
    expect(existsSync(join(options.dir, 'removal'))).toBe(false);
  });

  it('gives up with a sentence saying what to do when a live build never ends', async () => {
    const options = { ...lockDir(), timeoutMs: 200 };
    writeFileSync(join(options.dir, `build-${process.pid}-stuck`), '');
    await expect(withRemovalTurn(async () => undefined, options)).rejects.toThrow(/gave up waiting .*de-lab gc/);
    await expect(withRemovalTurn(async () => undefined, options)).rejects.toThrow(
      `gave up waiting 0 s to remove images: de-lab process ${process.pid} is still building a learner image; once it is done or stopped, run de-lab gc to remove what was left`,
    );
    // The removal's own mark is gone, so builds are not blocked by a removal that gave up.
    await withBuildTurn(async () => undefined, { ...options, timeoutMs: 100 });
  });
});
