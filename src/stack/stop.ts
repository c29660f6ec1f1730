import { execa } from 'execa';
import { DeLabError, errorMessage } from '../core/errors.js';
import { tr } from '../i18n/lang.js';
import type Dockerode from 'dockerode';
import { PROJECT_LABEL } from './project.js';

export interface StopResult {
  project: string;
  containers: number;
  volumesRemoved: string[];
}

/**
 * `docker compose -p de-lab-dayN down`: Compose finds the project's resources by their labels,
 * so this works even when the lab's compose file changed since the stack was started.
 */
export async function stopProject(docker: Dockerode, project: string, purge: boolean): Promise<StopResult> {
  const containers = await docker.listContainers({ all: true, filters: { label: [`${PROJECT_LABEL}=${project}`] } });
  const volumes = purge
    ? ((await docker.listVolumes({ filters: { label: [`${PROJECT_LABEL}=${project}`] } })).Volumes ?? []).map(
        (v) => v.Name,
      )
    : [];
  const args = [
    'compose',
    '--project-name',
    project,
    'down',
    '--remove-orphans',
    '--timeout',
    '20',
    ...(purge ? ['--volumes'] : []),
  ];
  try {
    await execa('docker', args, { stdin: 'ignore', timeout: 5 * 60_000 });
  } catch (error) {
    throw new DeLabError(
      tr({
        en: `Stopping ${project} failed: ${errorMessage(error).split('\n').pop()}`,
        ko: `${project} 중지 실패: ${errorMessage(error).split('\n').pop()}`,
      }),
      {
        hint: tr({
          en: 'Check `docker ps` and try again; `de-lab gc` removes leftovers.',
          ko: '`docker ps`를 확인하고 다시 시도하세요. `de-lab gc`로 남은 것을 지울 수 있습니다.',
        }),
        code: 'E_STOP',
      },
    );
  }
  return { project, containers: containers.length, volumesRemoved: volumes };
}

export function stopDay(docker: Dockerode, input: { labId: string; purge: boolean }): Promise<StopResult> {
  return stopProject(docker, `de-lab-${input.labId}`, input.purge);
}

/** Every de-lab day project that has containers or (with purge) volumes on the engine. */
export async function existingDayProjects(docker: Dockerode, includeVolumes: boolean): Promise<string[]> {
  const containers = await docker.listContainers({ all: true, filters: { label: [PROJECT_LABEL] } });
  const projects = new Set(containers.map((c) => c.Labels[PROJECT_LABEL]!));
  if (includeVolumes)
    for (const volume of (await docker.listVolumes({ filters: { label: [PROJECT_LABEL] } })).Volumes ?? [])
      projects.add(volume.Labels?.[PROJECT_LABEL] ?? '');
  return [...projects].filter((project) => /^de-lab-day[1-9]$/.test(project)).sort();
}
