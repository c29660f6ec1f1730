import { describe, expect, it } from 'vitest';
import { defaultSlots, EngineSpecError, parseEngines } from '../../src/config/engines.js';
import { engineCliEnv } from '../../src/stack/engines/cli-env.js';
import { dayImageRefs } from '../../src/stack/engines/images.js';
import { join } from 'node:path';
import { repoRoot } from '../helpers/cli.js';

describe('parseEngines (--engines, config engines)', () => {
  it('reads contexts, default and engine addresses, each with optional slots', () => {
    expect(parseEngines('default=2, unix:///run/de-lab-e1.sock=1,lab-server,ssh://ta@grader.lan')).toEqual([
      { name: 'default', kind: 'default', slots: 2 },
      { name: 'unix:///run/de-lab-e1.sock', kind: 'url', slots: 1 },
      { name: 'lab-server', kind: 'context', slots: undefined },
      { name: 'ssh://ta@grader.lan', kind: 'url', slots: undefined },
    ]);
    expect(parseEngines('tcp://10.0.0.5:2376')[0]).toMatchObject({ kind: 'url', name: 'tcp://10.0.0.5:2376' });
  });

  it.each([
    ['', 'name at least one engine'],
    ['default=0', 'slots must be a whole number from 1 to 64'],
    ['default=two', 'slots must be a whole number'],
    ['=3', 'name an engine'],
    ['http://x:2375', 'starts with unix://, tcp:// or ssh://'],
    ['tcp://', 'names no host'],
    ['a,a', 'named twice'],
    ['bad name', 'neither a Docker context name'],
  ])('refuses %j with one sentence', (text, message) => {
    expect(() => parseEngines(text)).toThrow(EngineSpecError);
    expect(() => parseEngines(text)).toThrow(message);
  });

  it('gives each engine the slots its memory allows for the day, at least one', () => {
    const GiB = 1024 ** 3;
    expect(defaultSlots(8 * GiB, 2 * GiB)).toBe(3);
    expect(defaultSlots(1 * GiB, 2 * GiB)).toBe(1);
    expect(defaultSlots(0, 2 * GiB)).toBe(1);
    expect(defaultSlots(1024 * GiB, 1 * GiB)).toBe(64);
  });
});

describe('engineCliEnv: the docker CLI pointed at one engine', () => {
  const base = { PATH: '/bin', DOCKER_HOST: 'unix:///x.sock', DOCKER_CONTEXT: 'other', DOCKER_TLS_VERIFY: '1' };
  it('sets DOCKER_HOST for an address and DOCKER_CONTEXT for a context, never both', () => {
    expect(engineCliEnv({ kind: 'url', host: 'ssh://a@b' }, base)).toEqual({ PATH: '/bin', DOCKER_HOST: 'ssh://a@b' });
    expect(engineCliEnv({ kind: 'context', context: 'lab' }, base)).toEqual({
      PATH: '/bin',
      DOCKER_CONTEXT: 'lab',
      DOCKER_TLS_VERIFY: '1',
    });
    expect(engineCliEnv({ kind: 'default' }, base)).toBe(base);
  });
});

describe('dayImageRefs: what an engine must hold to grade a day', () => {
  it('lists the services, judge images and build bases of the day, prefix filled in', () => {
    const day7 = join(repoRoot, 'test', 'fixtures', 'grading', 'day7');
    expect(dayImageRefs({ dir: day7, composeFile: join(day7, 'compose.yaml') }, 'p')).toEqual(['debian:bookworm-slim']);
    const day1 = join(repoRoot, 'labs', 'day1');
    const refs = dayImageRefs({ dir: day1, composeFile: join(day1, 'compose.yaml') }, 'course');
    expect(refs).toContain('course/tools:1.0');
    expect(refs).toContain('course/mariadb:10.11');
    expect(refs.some((r) => r.includes('{'))).toBe(false);
  });
});
