import type Dockerode from 'dockerode';
import { findLab, type Lab } from '../course/labs.js';
import { composeServices } from './compose.js';
import { dayConflicts, type DayConflict } from './preflight.js';
import { PROJECT_LABEL } from './project.js';

/** The memory a day asks for, or 0 for a project that is no longer a day of this course. */
function memoryOf(id: string): number {
  try {
    return findLab(id).memoryMiB;
  } catch {
    return 0;
  }
}

/** The running days that really conflict with `lab` (shared host ports, or memory beyond the engine's). */
export async function conflictingDays(
  docker: Dockerode,
  lab: Lab,
  info: Promise<{ MemTotal?: number }>,
): Promise<{ conflicts: DayConflict[]; memoryBytes: number }> {
  const containers = await docker.listContainers({ filters: { label: [PROJECT_LABEL], status: ['running'] } });
  const running = new Map<string, { id: string; ports: number[]; memoryMiB: number }>();
  for (const container of containers) {
    const project = container.Labels[PROJECT_LABEL] ?? '';
    if (!/^de-lab-day[1-9]$/.test(project) || project === `de-lab-${lab.id}`) continue;
    const id = project.replace('de-lab-', '');
    const day = running.get(id) ?? { id, ports: [], memoryMiB: memoryOf(id) };
    day.ports.push(
      ...(container.Ports ?? [])
        .map((p) => p.PublicPort)
        .filter((port): port is number => typeof port === 'number' && port > 0),
    );
    running.set(id, day);
  }
  if (running.size === 0) return { conflicts: [], memoryBytes: 0 };
  const memoryBytes = Number((await info).MemTotal ?? 0);
  const ports = [...new Set(composeServices(lab.composeFile).flatMap((service) => service.ports))];
  return { conflicts: dayConflicts(lab, ports, [...running.values()], memoryBytes), memoryBytes };
}
