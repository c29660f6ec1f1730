// Images that checks build (de-lab-check/*) are listed by `gc` and removed by it (issue 16 item 13).
// Removal is exercised through applyGc on this test's own image only: a plain `gc --yes` here
// would also remove other runs' leftovers on a shared engine.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import Dockerode from 'dockerode';
import { afterAll, describe, expect, it } from 'vitest';
import { applyGc } from '../../src/stack/gc.js';
import { untaggedParents } from '../../src/stack/sandbox/build-cache.js';
import { dropBuildCache, removeImagesInTurn } from '../../src/stack/sandbox/image-lock.js';
import { deLab } from '../helpers/cli.js';

const tag = `de-lab-check/gc-test-${process.pid}:starter`;

describe('gc and the images checks build', () => {
  afterAll(() => execa('docker', ['rmi', '-f', tag], { reject: false }));

  it('lists a check image no container uses, and removes it', async () => {
    // Its own image id (a label), as a check's build would make; a plain tag would share the id of an image containers use.
    await execa('docker', ['build', '-q', '-t', tag, '-'], {
      input: `FROM debian:bookworm-slim\nLABEL de-lab.test=gc-${process.pid}\n`,
    });
    const dry = await deLab(['gc', '--dry-run', '--json']);
    expect(dry.exitCode, dry.stderr).toBe(0);
    const plan = JSON.parse(dry.stdout).wouldRemove as { images: Array<{ tag: string }> };
    const mine = plan.images.filter((image) => image.tag === tag);
    expect(mine).toHaveLength(1);
    const text = await deLab(['gc', '--dry-run']);
    expect(text.stdout).toContain(`image     ${tag}`);
    await applyGc(new Dockerode(), {
      containers: [],
      networks: [],
      volumes: [],
      images: mine as Array<{ id: string; tag: string }>,
    });
    expect((await execa('docker', ['image', 'inspect', tag], { reject: false })).exitCode).not.toBe(0);
    // The base image it was built from is untouched.
    expect((await execa('docker', ['image', 'inspect', 'debian:bookworm-slim'])).exitCode).toBe(0);
  });
});

// A check removes its image with noprune and records the untagged parents it leaves, so the next
// build of the same lines reuses them (apt-get in a learner's Dockerfile takes 30–60 s); gc drops them.
describe("the build cache that checks' removals keep", () => {
  const dir = mkdtempSync(join(tmpdir(), 'de-lab-cache-lock-'));
  const cacheTag = `de-lab-check/gc-cache-${process.pid}:solution`;
  const dockerfile = `FROM debian:bookworm-slim\nRUN echo ${process.pid}-${Date.now()} > /made\nLABEL de-lab.test=cache\n`;
  const build = () =>
    execa('docker', ['build', '-t', cacheTag, '-'], { input: dockerfile, env: { DOCKER_BUILDKIT: '0' } });
  afterAll(async () => {
    await execa('docker', ['rmi', '-f', cacheTag], { reject: false });
    await dropBuildCache(new Dockerode(), { dir }).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the layers under a removed check image for the next build, and gc-style removal drops them', async () => {
    const docker = new Dockerode();
    const first = await build();
    expect(String(first.stdout)).not.toContain('Using cache');
    const parents = await untaggedParents(docker, cacheTag);
    expect(parents.length).toBeGreaterThan(0);
    const failed = await removeImagesInTurn(docker, [cacheTag], { force: true, keepCache: true, dir });
    expect([...failed.values()]).toEqual([]);
    expect((await execa('docker', ['image', 'inspect', cacheTag], { reject: false })).exitCode).not.toBe(0);
    for (const id of parents)
      expect((await execa('docker', ['image', 'inspect', id], { reject: false })).exitCode).toBe(0);

    const again = await build();
    expect(String(again.stdout)).toContain('Using cache');
    await removeImagesInTurn(docker, [cacheTag], { force: true, keepCache: true, dir });
    expect(await dropBuildCache(docker, { dir })).toBe(1);
    for (const id of parents)
      expect((await execa('docker', ['image', 'inspect', id], { reject: false })).exitCode, id).not.toBe(0);
    expect((await execa('docker', ['image', 'inspect', 'debian:bookworm-slim'])).exitCode).toBe(0);
  });
});
