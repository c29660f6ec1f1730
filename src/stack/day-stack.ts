import { josa } from '../i18n/josa.js';
import { join, resolve } from 'node:path';
import type Dockerode from 'dockerode';
import { DeLabError } from '../core/errors.js';
import { tr } from '../i18n/lang.js';
import type { Lab } from '../course/labs.js';
import { composeServices } from './compose.js';
import { projectContainers } from './project.js';
import { READY, phaseOf } from './start.js';
import { enginePath } from './engines/mirror.js';

/**
 * The learner's stack for a day must be up, and must mount this workspace; otherwise the
 * checks would read another folder. Says exactly what to run when it is not so.
 */
export async function requireDayStack(docker: Dockerode, lab: Lab, workspaceRoot: string): Promise<string> {
  const project = `de-lab-${lab.id}`;
  const states = await projectContainers(docker, project);
  const specs = composeServices(lab.composeFile);
  const notReady = specs.filter(
    (spec) =>
      !READY.has(
        phaseOf(
          spec,
          states.find((s) => s.service === spec.name),
        ),
      ),
  );
  if (notReady.length > 0) {
    throw new DeLabError(
      tr({
        en: `${lab.id}'s stack is not running (${notReady.map((s) => s.name).join(', ')} not ready).`,
        ko: `${lab.id} 스택이 실행 중이 아닙니다(${notReady.map((s) => s.name).join(', ')} 준비 안 됨).`,
      }),
      {
        hint: tr({
          en: `Start it with \`de-lab start ${lab.id}\`, then check again.`,
          ko: `\`de-lab start ${lab.id}\`로 시작한 뒤 다시 검사하세요.`,
        }),
        code: 'E_STACK_DOWN',
      },
    );
  }
  if (lab.workspaceMount) {
    const expected = enginePath(docker, resolve(join(workspaceRoot, lab.id)));
    for (const state of states.filter((s) => s.state === 'running')) {
      const info = await docker.getContainer(state.id).inspect();
      const mount = (info.Mounts ?? []).find((m: { Destination: string }) => m.Destination === lab.workspaceMount);
      if (mount && resolve(mount.Source) !== expected) {
        throw new DeLabError(
          tr({
            en: `${lab.id}'s stack mounts ${mount.Source}, not this workspace (${expected}).`,
            ko: `${lab.id} 스택은 이 작업 공간(${expected})이 아니라 ${josa(mount.Source, '을/를')} 마운트하고 있습니다.`,
          }),
          {
            hint: tr({
              en: `Restart it from this workspace: \`de-lab stop ${lab.id} && de-lab start ${lab.id}\`.`,
              ko: `이 작업 공간에서 다시 시작하세요: \`de-lab stop ${lab.id} && de-lab start ${lab.id}\`.`,
            }),
            code: 'E_WRONG_WORKSPACE',
          },
        );
      }
    }
  }
  return project;
}
