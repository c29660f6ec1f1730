import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Dockerode from 'dockerode';
import { afterAll, describe, expect, it } from 'vitest';
import { buildLearnerImage } from '../../src/stack/sandbox/learner-build.js';
import { removeRoleImages } from '../../src/stack/sandbox/learner-stack.js';
import { DEFAULT_LIMITS } from '../../src/stack/sandbox/limits.js';

/**
 * Two learners graded side by side often submit the same Dockerfile lines, so the second build
 * runs from the first one's cache layers. When the first learner is done, its image is removed
 * and its untagged parents pruned: without turns, the second build then failed with "unable to
 * find image sha256:…" (CI, grade --parallel 2) or "failed to get digest" (here, 9 times in 15).
 */
const docker = new Dockerode();
const context = mkdtempSync(join(tmpdir(), 'de-lab-build-race-'));
writeFileSync(
  join(context, 'Dockerfile'),
  ['FROM debian:bookworm-slim', ...Array.from({ length: 8 }, (_, i) => `RUN echo ${i} > /step-${i}`), ''].join('\n'),
);
const role = (n: number) => `race${process.pid}x${n}`;

async function build(n: number) {
  return buildLearnerImage({
    docker,
    context,
    dockerfile: 'Dockerfile',
    tag: `de-lab-race-test:${role(n)}`,
    limits: DEFAULT_LIMITS,
    timeoutSec: 120,
    labels: { 'de-lab.managed': 'true', 'de-lab.purpose': 'grading', 'de-lab.race': role(n) },
  });
}

afterAll(async () => {
  for (let n = 0; n < 24; n += 1) await removeRoleImages(docker, role(n)).catch(() => undefined);
});

describe('learner image builds next to removals of other learners’ images', () => {
  it('a build from another learner’s cache layers survives the removal of that learner’s image', async () => {
    const failures: string[] = [];
    // The removal comes at points spread over the second build, which takes about 130 ms from the cache.
    const delays = Array.from({ length: 12 }, (_, i) => i * 10);
    for (const [round, delay] of delays.entries()) {
      const first = 2 * round;
      await build(first);
      const results = await Promise.allSettled([
        build(first + 1),
        new Promise((resolve) => setTimeout(resolve, delay)).then(() => removeRoleImages(docker, role(first))),
      ]);
      for (const result of results) if (result.status === 'rejected') failures.push(String(result.reason));
      await removeRoleImages(docker, role(first + 1));
    }
    expect(failures).toEqual([]);
    const left = await docker.listImages({ filters: { reference: ['de-lab-race-test'] } });
    expect(left).toEqual([]);
  });
});
