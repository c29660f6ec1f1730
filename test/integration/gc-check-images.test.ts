// Images that checks build (de-lab-check/*) are listed by `gc` and removed by it (issue 16 item 13).
// Removal is exercised through applyGc on this test's own image only: a plain `gc --yes` here
// would also remove other runs' leftovers on a shared engine.
import { execa } from 'execa';
import Dockerode from 'dockerode';
import { afterAll, describe, expect, it } from 'vitest';
import { applyGc } from '../../src/stack/gc.js';
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
