import type Dockerode from 'dockerode';
import { describe, expect, it } from 'vitest';
import { foldersCheck, imagesCheck } from '../../src/doctor/engine-images.js';
import { engineTarget } from '../../src/doctor/engine-target.js';
import { onThisMachine } from '../../src/stack/engines/disk.js';
import { rejected } from '../helpers/thrown.js';

// Only passed through to the probe, which these tests replace.
const docker = {} as Dockerode;

describe('onThisMachine (which engines see this machine without a copy)', () => {
  it('takes unix:// and npipe:// engines as this machine, and asks of the others', () => {
    expect(onThisMachine('unix:///var/run/docker.sock')).toBe(true);
    expect(onThisMachine('npipe:////./pipe/docker_engine')).toBe(true);
    expect(onThisMachine('ssh://ta@lab-vm')).toBe(false);
    expect(onThisMachine('tcp://10.0.0.5:2376')).toBe(false);
  });
});

describe('doctor: the course images and the folders of an engine', () => {
  const days = [
    { day: 'day1', images: ['de-lab/mariadb:10.11', 'de-lab/tools:1.0'], missing: [] },
    { day: 'day4', images: ['de-lab/kafka:3.9.2', 'de-lab/spark:4.0.0'], missing: ['de-lab/spark:4.0.0'] },
  ];

  it('is green when every day has its images, and names what is missing by day', () => {
    expect(imagesCheck({ days: [days[0]!] }, true, 'default').verdict).toBe('ok');
    const local = imagesCheck({ days }, true, 'default');
    expect(local).toMatchObject({ verdict: 'info', summary: 'day4 lack de-lab/spark:4.0.0' });
    expect(local.hint).toMatch(/de-lab start <day>/);
    // On another engine `start` cannot build from here alone: a warning, and how to carry a bundle.
    const far = imagesCheck({ days }, false, 'ssh://ta@lab-vm');
    expect(far.verdict).toBe('warn');
    expect(far.hint).toMatch(/images save --day 4 --out day4\.tar/);
    expect(imagesCheck(new Error('EOF'), false, 'x')).toMatchObject({ verdict: 'warn' });
  });

  it('says whether the engine sees this machine, and never passes what it could not ask', async () => {
    expect(await foldersCheck(docker, 'img', async () => true)).toMatchObject({ verdict: 'ok', data: { sees: true } });
    const no = await foldersCheck(docker, 'img', async () => false);
    expect(no).toMatchObject({ verdict: 'info', data: { sees: false } });
    expect(no.summary).toMatch(/carries a copy of the day's folders/);
    expect((await foldersCheck(docker, undefined)).verdict).toBe('info');
    const failed = await foldersCheck(docker, 'img', async () => {
      throw new Error('no such image');
    });
    expect(failed).toMatchObject({ verdict: 'warn' });
    expect(failed.summary).toContain('no such image');
  });
});

describe('doctor --engine', () => {
  it('reads an address or default, and refuses a list or slots in one sentence', async () => {
    const url = await engineTarget('ssh://ta@lab-vm', { DOCKER_CONTEXT: 'old', PATH: '/bin' });
    expect(url.apiEnv).toMatchObject({ DOCKER_HOST: 'ssh://ta@lab-vm' });
    expect(url.apiEnv.DOCKER_CONTEXT).toBeUndefined();
    const fallback = await engineTarget('default', { DOCKER_HOST: 'tcp://x:1' });
    expect(fallback.cliEnv.DOCKER_HOST).toBeUndefined();
    for (const bad of ['a,b', 'lab-vm=2', 'http://x'])
      expect((await rejected(engineTarget(bad))).message).toMatch(/^--engine .* is not understood: .*\.$/);
  });
});
