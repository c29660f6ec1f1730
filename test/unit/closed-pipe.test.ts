import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { bin, isolatedEnv } from '../helpers/cli.js';

/** Runs de-lab with its stdout closed before it writes (as `de-lab … | head -1` does after a line). */
function withClosedStdout(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('node', [bin, ...args], { env: isolatedEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('output into a closed pipe', () => {
  it.each([['--help'], ['list'], ['list', '--json']])('de-lab %s finishes quietly', async (...args) => {
    const { code, stderr } = await withClosedStdout(args);
    expect(stderr).not.toMatch(/EPIPE|Unhandled/);
    expect(code).toBe(0);
  });
});
