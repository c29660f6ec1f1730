import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa, type Options } from 'execa';
import { afterAll } from 'vitest';

export const repoRoot = resolve(import.meta.dirname, '..', '..');
export const bin = join(repoRoot, 'bin', 'de-lab.js');

const homes: string[] = [];
// The private homes go when the test file is done: the temp folder keeps nothing of a test.
afterAll(() => {
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
});

/** A private config file, so tests never read or write the developer's own settings. */
export function isolatedEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const home = mkdtempSync(join(tmpdir(), 'de-lab-test-home-'));
  homes.push(home);
  return {
    ...process.env,
    NO_COLOR: '1',
    CI: 'true',
    DE_LAB_CONFIG: join(home, 'config.yaml'),
    XDG_DATA_HOME: join(home, 'data'),
    ...extra,
  };
}

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI exactly as a user would; never throws on a non-zero exit. */
export async function deLab(args: string[], options: Options = {}): Promise<CliResult> {
  const result = await execa('node', [bin, ...args], {
    reject: false,
    env: isolatedEnv(),
    extendEnv: false,
    stdin: 'ignore',
    timeout: 15 * 60_000,
    ...options,
  });
  return { exitCode: result.exitCode ?? 1, stdout: String(result.stdout), stderr: String(result.stderr) };
}
