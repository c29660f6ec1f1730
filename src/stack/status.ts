import type Dockerode from 'dockerode';
import { PROJECT_LABEL, projectContainers } from './project.js';

export interface ServiceStatus {
  day: string;
  service: string;
  container: string;
  state: string;
  health?: string;
  ports: string[];
  cpuPercent?: number;
  memoryBytes?: number;
  memoryLimitBytes?: number;
  uptimeSeconds?: number;
}

/** CPU % the way `docker stats` computes it, from one non-streaming sample (which carries the previous one). */
export function cpuPercent(stats: any): number | undefined {
  const cpuDelta = (stats?.cpu_stats?.cpu_usage?.total_usage ?? 0) - (stats?.precpu_stats?.cpu_usage?.total_usage ?? 0);
  const systemDelta = (stats?.cpu_stats?.system_cpu_usage ?? 0) - (stats?.precpu_stats?.system_cpu_usage ?? 0);
  const cpus = stats?.cpu_stats?.online_cpus ?? stats?.cpu_stats?.cpu_usage?.percpu_usage?.length ?? 1;
  if (systemDelta <= 0 || cpuDelta < 0) return undefined;
  return Math.round((cpuDelta / systemDelta) * cpus * 1000) / 10;
}

/** Memory in use the way `docker stats` shows it: usage minus page cache. */
export function memoryUsed(stats: any): number | undefined {
  const usage = stats?.memory_stats?.usage;
  if (usage === undefined) return undefined;
  const cache =
    stats.memory_stats.stats?.inactive_file ??
    stats.memory_stats.stats?.total_inactive_file ??
    stats.memory_stats.stats?.cache ??
    0;
  return usage - cache;
}

export async function dayStatus(docker: Dockerode, projects?: string[]): Promise<ServiceStatus[]> {
  const all = await docker.listContainers({ all: true, filters: { label: [PROJECT_LABEL] } });
  const names =
    projects ??
    [...new Set(all.map((c) => c.Labels[PROJECT_LABEL]!).filter((p) => /^de-lab-day[1-9]$/.test(p)))].sort();
  const rows: ServiceStatus[] = [];
  for (const project of names) {
    const states = await projectContainers(docker, project);
    const withStats = await Promise.all(
      states.map(async (state) => {
        const row: ServiceStatus = {
          day: project.replace('de-lab-', ''),
          service: state.service,
          container: state.container,
          state: state.state,
          health: state.health,
          ports: state.ports.map((p) => `${p.host}→${p.container}`),
        };
        if (state.state === 'running') {
          const container = docker.getContainer(state.id);
          const [stats, info] = await Promise.all([
            container.stats({ stream: false }).catch(() => undefined),
            container.inspect().catch(() => undefined),
          ]);
          row.cpuPercent = cpuPercent(stats);
          row.memoryBytes = memoryUsed(stats);
          row.memoryLimitBytes = (stats as any)?.memory_stats?.limit;
          if (info?.State.StartedAt)
            row.uptimeSeconds = Math.round((Date.now() - Date.parse(info.State.StartedAt)) / 1000);
        }
        return row;
      }),
    );
    rows.push(...withStats.sort((a, b) => a.service.localeCompare(b.service)));
  }
  return rows;
}
