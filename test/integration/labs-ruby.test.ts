import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { globSync } from 'tinyglobby';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';

/**
 * The Ruby of labs/ (day 2's and day 5's graders and generators, exercise files) through `ruby -wc`:
 * syntax and warnings, in the fluentd image that runs them (no rubocop: the gem registry is out of
 * reach). One container per check, read-only mount, no network, removed on exit: a few seconds.
 */

const { version } = parse(readFileSync(join(repoRoot, 'labs', 'images', 'fluentd', 'image.yaml'), 'utf8')) as {
  version: string;
};
const FLUENTD = `de-lab/fluentd:${version}`;
// Each file on its own (`ruby -c a b` would take b as a's argument), then a marker with its status.
const LOOP = 'for f; do out=$(ruby -wc "$f" 2>&1); echo "@@ $? $f"; printf "%s\\n" "$out"; done';
const LABELS = ['--label', 'de-lab.managed=false', '--label', 'de-lab.test=labs-ruby'];
const RUN = ['run', '--rm', '--network', 'none', ...LABELS, '--entrypoint', 'sh'];

/** `ruby -wc` of each file (relative to dir): file -> "ok", or its exit code and what ruby printed. */
async function rubyCheck(dir: string, files: string[]): Promise<Record<string, string>> {
  const mount = ['-v', `${dir}:/src:ro`, '-w', '/src'];
  const run = await execa('docker', [...RUN, ...mount, FLUENTD, '-c', LOOP, 'sh', ...files], {
    reject: false,
    timeout: 120_000,
  });
  expect(run.exitCode, run.stderr).toBe(0);
  const results: Record<string, string> = {};
  for (const block of run.stdout.split(/^@@ /m).slice(1)) {
    const [head = '', ...output] = block.trimEnd().split('\n');
    const space = head.indexOf(' ');
    const [status, file] = [head.slice(0, space), head.slice(space + 1)];
    const said = output.join('\n');
    results[file] = status === '0' && said === 'Syntax OK' ? 'ok' : `exit ${status}: ${said}`;
  }
  return results;
}

describe('ruby -wc on labs/', () => {
  it('passes every Ruby file of day 2 and day 5 (graders, generators, exercises) without a warning', async () => {
    const files = globSync(['day2/gen/**/*.rb', 'day5/gen/**/*.rb', '*/exercises/**/*.rb'], {
      cwd: join(repoRoot, 'labs'),
    }).sort();
    expect(files.length).toBeGreaterThanOrEqual(15);
    const results = await rubyCheck(join(repoRoot, 'labs'), files);
    expect(results).toEqual(Object.fromEntries(files.map((f) => [f, 'ok'])));
  });

  it('fails a syntax error and a warning (fixtures)', async () => {
    const results = await rubyCheck(join(repoRoot, 'test', 'fixtures', 'ruby-lint'), [
      'clean.rb',
      'syntax-error.rb',
      'warning.rb',
    ]);
    expect(results['clean.rb']).toBe('ok');
    expect(results['syntax-error.rb']).toMatch(/^exit 1: .*syntax error/s);
    expect(results['warning.rb']).toMatch(/^exit 0: .*warning: assigned but unused variable - unused/s);
  });
});
