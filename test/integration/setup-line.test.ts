// Issue 16 item 1: a fresh clone, the README's set-up line, then `de-lab` works from another folder
// with no hand-made PATH entry. npm's global prefix is a temp folder here (what a learner's own
// prefix is: ~/.local, nvm's…), whose bin the test puts on PATH as a login shell would.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';

/** The set-up line: the first command of README's "Set up" block, up to `de-lab start`. */
function setupLine(): { install: string; start: string } {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const block = readme
    .slice(readme.indexOf('## Set up'))
    .split('```sh\n')[1]!
    .split('\n')[0]!
    .replace(/\s+#.*$/, '');
  const at = block.indexOf('de-lab ');
  return {
    install: block
      .slice(0, at)
      .replace(/&&\s*$/, '')
      .trim(),
    start: block.slice(at),
  };
}

describe('the README set-up line', () => {
  it('names no npx, and ends by starting day 1 with the de-lab command', () => {
    const line = setupLine();
    expect(readFileSync(join(repoRoot, 'README.md'), 'utf8')).not.toMatch(/(^|[^`])npx de-lab [a-z]/m);
    expect(line.start).toBe('de-lab start day1');
    expect(line.install).toMatch(/npm (link|install -g)/);
  });

  it(
    'leaves a working de-lab command on PATH, in a fresh clone',
    async () => {
      const work = mkdtempSync(join(tmpdir(), 'de-lab-setup-'));
      const clone = join(work, 'de-lab');
      const prefix = join(work, 'prefix');
      await execa('git', ['clone', '-q', repoRoot, clone]);
      const env = {
        ...process.env,
        npm_config_prefix: prefix,
        PATH: `${join(prefix, 'bin')}:${process.env.PATH}`,
        npm_config_audit: 'false',
        npm_config_fund: 'false',
      };
      const install = await execa('sh', ['-c', setupLine().install], { cwd: clone, env, reject: false, all: true });
      expect(install.exitCode, install.all).toBe(0);
      const elsewhere = mkdtempSync(join(tmpdir(), 'de-lab-elsewhere-'));
      const version = await execa('de-lab', ['--version'], { cwd: elsewhere, env, reject: false });
      expect(version.exitCode, version.stderr).toBe(0);
      expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).version);
      const list = await execa('de-lab', ['list'], {
        cwd: elsewhere,
        env: { ...env, NO_COLOR: '1', CI: 'true', DE_LAB_CONFIG: join(work, 'config.yaml') },
        reject: false,
      });
      expect(list.exitCode, list.stderr).toBe(0);
      expect(list.stdout).toContain('day1');
    },
    15 * 60_000,
  );
});
