import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type Dockerode from 'dockerode';
import { stringify } from 'yaml';
import { compose, type ComposeTarget } from '../compose.js';
import { mirrorFor, type EngineMirror } from './mirror.js';

interface Mount {
  type?: string;
  source?: string;
  target?: string;
  read_only?: boolean;
}

/** The bind mounts of a stack as Compose resolves them (sources absolute, variables filled). */
export async function bindMounts(target: ComposeTarget): Promise<Array<{ service: string; mount: Mount }>> {
  const config = JSON.parse(await compose(target, ['config', '--format', 'json'])) as {
    services?: Record<string, { volumes?: Mount[] }>;
  };
  return Object.entries(config.services ?? {}).flatMap(([service, spec]) =>
    (spec.volumes ?? []).filter((m) => m.type === 'bind' && m.source).map((mount) => ({ service, mount })),
  );
}

/**
 * An override that moves every bind mount of the stack onto the engine's mirror (a mount is
 * replaced by the one with the same target), and the folders of this machine it needs there.
 */
export function mirrorOverride(
  mounts: Array<{ service: string; mount: Mount }>,
  mirror: EngineMirror,
): { yaml: string; sources: string[] } {
  const services: Record<string, { volumes: object[] }> = {};
  for (const { service, mount } of mounts) {
    (services[service] ??= { volumes: [] }).volumes.push({
      type: 'bind',
      source: mirror.path(mount.source!),
      target: mount.target,
      ...(mount.read_only ? { read_only: true } : {}),
      bind: { create_host_path: true },
    });
  }
  const sources = [...new Set(mounts.map((m) => m.mount.source!))];
  return { yaml: stringify({ services }), sources };
}

/**
 * A rendered compose config (a learner's compose.yaml, its bind sources absolute and inside the
 * graded folder) with every bind mount on the engine's copy of that folder.
 */
export function bindsOnMirror<C extends { services?: Record<string, Record<string, any>> }>(
  config: C,
  mirror: EngineMirror,
): C {
  const out = structuredClone(config);
  for (const service of Object.values(out.services ?? {}))
    for (const mount of (service.volumes ?? []) as Mount[])
      if (mount.type === 'bind' && mount.source) mount.source = mirror.path(mount.source);
  return out;
}

/**
 * Puts a stack's host folders on a remote engine and returns the target that mounts them there:
 * the same files plus the override, written at `overrideFile`.
 */
export async function mirroredTarget(
  target: ComposeTarget,
  mirror: EngineMirror,
  overrideFile: string,
  skip?: (name: string) => boolean,
): Promise<ComposeTarget> {
  const { yaml, sources } = mirrorOverride(await bindMounts(target), mirror);
  for (const source of sources) await mirror.push(source, skip);
  mkdirSync(dirname(overrideFile), { recursive: true });
  writeFileSync(overrideFile, yaml);
  return { ...target, files: [...target.files, overrideFile] };
}

/**
 * The stack's compose target for the engine it runs on: unchanged on this machine's engine; on an
 * engine of another machine its folders go there first (but de-lab's scratch copies), and the
 * override lands in the workspace's .de-lab/engine/.
 */
export async function targetForEngine(
  docker: Dockerode,
  host: string,
  target: ComposeTarget,
  workspace: string,
  day: string,
): Promise<ComposeTarget> {
  const mirror = mirrorFor(docker, host);
  if (!mirror) return target;
  return mirroredTarget(target, mirror, join(workspace, '.de-lab', 'engine', `${day}.compose.yaml`), (name) =>
    name.endsWith('/.grading'),
  );
}
export { remoteNote } from './remote-note.js';
