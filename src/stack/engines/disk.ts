import { mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import { DeLabError, EXIT } from '../../core/errors.js';
import { tr } from '../../i18n/lang.js';

/**
 * Whether containers on this engine see this machine's folders. Grading stacks still bind-mount
 * the learner's graded copy from here; on an engine with another disk the engine would make empty
 * folders in their place and grade nothing. Asked with a file only this run knows, read by a
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

/**
 * A learner's stack bind-mounts the workspace: on an engine that does not see this machine's
 * folders it would run on empty folders made by the engine, silently. Asked only of engines not
 * on this machine (tcp://, ssh://), with an image the engine holds; throws one sentence.
 */
export async function requireSharedDisk(
  docker: Dockerode,
  host: string,
  image: string,
  day: string,
  probe: (docker: Dockerode, image: string) => Promise<boolean> = seesThisDisk,
): Promise<void> {
  if (onThisMachine(host) || (await probe(docker, image))) return;
  throw new DeLabError(
    tr({
      en: `The Docker engine at ${host} does not see this machine's folders, so ${day}'s stack would run on empty folders instead of your workspace.`,
      ko: `${host}의 Docker 엔진은 이 컴퓨터의 폴더를 볼 수 없어서, ${day} 스택이 작업 공간 대신 빈 폴더로 실행됩니다.`,
    }),
    {
      hint: tr({
        en: "Use this machine's engine (`docker context use default`, or unset DOCKER_HOST), or run de-lab on the machine where that engine runs, with the workspace there.",
        ko: '이 컴퓨터의 엔진을 쓰거나(`docker context use default` 또는 DOCKER_HOST 해제) 그 엔진이 도는 컴퓨터에서 작업 공간과 함께 de-lab을 실행하세요.',
      }),
      code: 'E_ENGINE_DISK',
      exitCode: EXIT.usage,
    },
  );
}
