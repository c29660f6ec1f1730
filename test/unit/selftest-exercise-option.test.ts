// `selftest --exercise` with an id no chosen day has used to select nothing and report
// "0 passed, 0 failed" with exit 0: it is a usage error now, before the engine is asked.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';

let stderr = '';
beforeEach(() => {
  stderr = '';
  vi.stubEnv('DE_LAB_LANG', 'en');
  vi.stubEnv('NO_COLOR', '1');
  // No engine: the refusal must come first.
  vi.stubEnv('DOCKER_HOST', 'unix:///nonexistent/docker.sock');
  vi.spyOn(process.stderr, 'write').mockImplementation((text) => {
    stderr += String(text);
    return true;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  process.exitCode = undefined;
});

describe('de-lab selftest --exercise', () => {
  it('refuses an id the day does not have, in one sentence with the ids it has, exit 2', async () => {
    await main(['node', 'de-lab', 'selftest', 'day1', '--exercise', 'hello-docker']);
    expect(process.exitCode).toBe(2);
    expect(stderr).toContain('No exercise called "hello-docker" in day1.');
    expect(stderr).toContain('Choose from: dockerfile-data-tool, env-config,');
    expect(stderr).not.toMatch(/engine|Docker/);
  });
});
