import { execa } from 'execa';
import { isAbsolute, relative, resolve } from 'node:path';

/**
 * Refuses a learner's compose file that could escape its sandbox: privileged services, added
 * capabilities, host namespaces, devices, the Docker socket, or bind mounts outside its folder.
 * Returns the reasons; empty when the file is acceptable.
 */
export function composeRisks(config: { services?: Record<string, any> }, folder: string): string[] {
  const risks: string[] = [];
  for (const [name, service] of Object.entries(config.services ?? {})) {
    if (service.privileged) risks.push(`${name}: privileged`);
    if (service.cap_add?.length) risks.push(`${name}: cap_add ${service.cap_add.join(',')}`);
    for (const key of ['pid', 'ipc', 'network_mode', 'userns_mode', 'uts']) if (service[key] === 'host') risks.push(`${name}: ${key}: host`);
    if (service.devices?.length) risks.push(`${name}: devices`);
    if ((service.security_opt ?? []).some((opt: string) => /unconfined|disable/.test(opt))) risks.push(`${name}: security_opt`);
    for (const volume of service.volumes ?? []) {
      const source = typeof volume === 'string' ? volume.split(':')[0] : volume.source;
      const type = typeof volume === 'string' ? (source?.startsWith('/') || source?.startsWith('.') ? 'bind' : 'volume') : volume.type;
      if (!source) continue;
      if (/docker\.sock/.test(source)) risks.push(`${name}: mounts the Docker socket`);
      else if (type === 'bind') {
        const rel = relative(folder, resolve(folder, source));
        if (rel.startsWith('..') || isAbsolute(rel)) risks.push(`${name}: bind-mounts ${source}, outside the exercise folder`);
      }
    }
  }
  return risks;
}

/** `docker compose config` of a file, as JSON (also validates it). */
export async function composeConfig(file: string, project: string, env: NodeJS.ProcessEnv): Promise<{ services?: Record<string, any> }> {
  const { stdout } = await execa('docker', ['compose', '-p', project, '-f', file, 'config', '--format', 'json'], { env, timeout: 30_000 });
  return JSON.parse(stdout) as { services?: Record<string, any> };
}
