import type Dockerode from 'dockerode';

export const PROJECT_LABEL = 'com.docker.compose.project';
export const SERVICE_LABEL = 'com.docker.compose.service';

export interface ServiceState {
  service: string;
  container: string;
  id: string;
  state: string;
  health?: string;
  exitCode?: number;
  oomKilled?: boolean;
  startedAt?: string;
  ports: Array<{ host: number; container: number; ip?: string }>;
}

/** The containers of a Compose project, as dockerode sees them right now. */
export async function projectContainers(docker: Dockerode, project: string): Promise<ServiceState[]> {
  const list = await docker.listContainers({ all: true, filters: { label: [`${PROJECT_LABEL}=${project}`] } });
  return list.map((container) => {
    const health = /\((healthy|unhealthy|health: starting)\)/.exec(container.Status)?.[1]?.replace('health: ', '');
    return {
      service: container.Labels[SERVICE_LABEL] ?? container.Names[0]!.replace(/^\//, ''),
      container: container.Names[0]!.replace(/^\//, ''),
      id: container.Id,
      state: container.State,
      health,
      exitCode:
        container.State === 'exited' ? Number(/Exited \((\d+)\)/.exec(container.Status)?.[1] ?? NaN) : undefined,
      ports: (container.Ports ?? [])
        .filter((p) => p.PublicPort)
        .map((p) => ({ host: p.PublicPort, container: p.PrivatePort, ip: p.IP })),
    };
  });
}

/** Projects of de-lab days that have containers running now, e.g. ["de-lab-day3"]. */
export async function runningDeLabProjects(docker: Dockerode): Promise<string[]> {
  const list = await docker.listContainers({ filters: { label: [PROJECT_LABEL], status: ['running'] } });
  return [
    ...new Set(list.map((c) => c.Labels[PROJECT_LABEL]!).filter((project) => /^de-lab-day[1-9]$/.test(project))),
  ].sort();
}

/** Last lines of a container's output (stdout and stderr), for failure reports. */
export async function logTail(docker: Dockerode, id: string, lines = 30): Promise<string[]> {
  try {
    const container = docker.getContainer(id);
    const info = await container.inspect();
    const raw = (await container.logs({ stdout: true, stderr: true, tail: lines, follow: false })) as unknown as Buffer;
    return demuxToText(raw, info.Config.Tty)
      .split('\n')
      .filter((line) => line.trim() !== '')
      .slice(-lines);
  } catch {
    return [];
  }
}

/** Docker's multiplexed log frames (8-byte headers) to plain text; TTY containers send plain text. */
export function demuxToText(buffer: Buffer, tty: boolean): string {
  if (tty) return buffer.toString('utf8');
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const size = buffer.readUInt32BE(offset + 4);
    parts.push(buffer.subarray(offset + 8, offset + 8 + size));
    offset += 8 + size;
  }
  return Buffer.concat(parts).toString('utf8');
}
