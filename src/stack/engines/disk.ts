import { mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Dockerode from 'dockerode';

/**
 * Whether containers on this engine see this machine's folders. Grading stacks (`grade --engines`)
 * still bind-mount the learner's graded copy from here; on an engine with another disk the engine
 * would make empty folders in their place and grade nothing. (A learner's own stack runs on a copy
 * carried to the engine instead: mirror.ts.) Asked with a file only this run knows, read by a
 * short container of `image` (which the engine holds) through a read-only bind mount.
 */
export async function seesThisDisk(docker: Dockerode, image: string): Promise<boolean> {
  const dir = mkdtempSync(join(tmpdir(), 'de-lab-disk-probe-'));
  const marker = randomBytes(8).toString('hex');
  writeFileSync(join(dir, marker), marker);
  chmodSync(dir, 0o755);
  let container: Dockerode.Container | undefined;
  try {
    container = await docker.createContainer({
      Image: image,
      Entrypoint: ['test'],
      Cmd: ['-f', `/de-lab-probe/${marker}`],
      Labels: { 'de-lab.managed': 'true', 'de-lab.purpose': 'engine-probe' },
      HostConfig: { Binds: [`${dir}:/de-lab-probe:ro`], NetworkMode: 'none' },
    });
    await container.start();
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    return StatusCode === 0;
  } finally {
    await container?.remove({ force: true, v: true }).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** unix:// and npipe:// engines run on this machine and see its folders; any other address is asked. */
export function onThisMachine(host: string): boolean {
  return /^(unix|npipe):\/\//.test(host);
}
