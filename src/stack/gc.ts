import type Dockerode from 'dockerode';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { PROJECT_LABEL } from './project.js';
import { chainsToDrop, engineKey, readChains } from './sandbox/build-cache.js';
import { dropBuildCache, imageLockDir, removeImagesInTurn } from './sandbox/image-lock.js';

export interface GcPlan {
  containers: Array<{ id: string; name: string; project?: string }>;
  networks: Array<{ id: string; name: string; project?: string }>;
  volumes: Array<{ name: string; project?: string }>;
  /** Images checks build (de-lab-check/*): rebuilt by the next check, so leftovers once no container uses them. */
  images: Array<{ id: string; tag: string }>;
  /** Chains of build-cache layers that checks kept on this engine (see build-cache.ts). */
  buildCache?: number;
}

/** Repository prefix of the images that checks build (exercise.yaml: de-lab-check/{day}-{exercise}:{role}). */
export const CHECK_IMAGE_PREFIX = 'de-lab-check/';

/**
 * Labelled resources no day owns: Compose projects named de-lab-* that are not a current day
 * (grading runs, selftests, removed days) and de-lab.managed resources outside any project.
 */
/** Label of private stacks (selftest, grade): "<pid>@<host>" of the de-lab process using them. */
export const OWNER_LABEL = 'de-lab.owner';

/** Whether the owner of a private stack is a live process on this machine. */
export function ownerAlive(owner: string | undefined, host = hostname()): boolean {
  const match = /^(\d+)@(.+)$/.exec(owner ?? '');
  if (!match || match[2] !== host) return false;
  try {
    process.kill(Number(match[1]), 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function planGc(docker: Dockerode, ownedProjects: string[]): Promise<GcPlan> {
  const all = await docker.listContainers({ all: true });
  // Projects in use by a running selftest or grade count as owned.
  const busy = all
    .filter((c) => ownerAlive(c.Labels?.[OWNER_LABEL]))
    .map((c) => c.Labels[PROJECT_LABEL])
    .filter((p): p is string => Boolean(p));
  const owned = new Set([...ownedProjects, ...busy]);
  const orphan = (labels: Record<string, string> | undefined) => {
    const project = labels?.[PROJECT_LABEL];
    if (project) return project.startsWith('de-lab-') && !owned.has(project);
    return labels?.['de-lab.managed'] === 'true';
  };
  // A container also carries its image's labels, and every de-lab image is labelled
  // de-lab.managed: outside a project, only containers de-lab itself ran (they say why, in
  // de-lab.purpose) are its own; a learner's `docker run de-lab/mariadb` is not.
  const ownContainer = (labels: Record<string, string> | undefined) =>
    labels?.[PROJECT_LABEL] ? orphan(labels) : orphan(labels) && labels?.['de-lab.purpose'] !== undefined;
  const containers = all
    .filter((c) => ownContainer(c.Labels))
    .map((c) => ({
      id: c.Id,
      name: c.Names[0]?.replace(/^\//, '') ?? c.Id.slice(0, 12),
      project: c.Labels[PROJECT_LABEL],
    }));
  const networks = (await docker.listNetworks())
    .filter((n) => orphan(n.Labels))
    .map((n) => ({ id: n.Id, name: n.Name, project: n.Labels?.[PROJECT_LABEL] }));
  const volumes = ((await docker.listVolumes()).Volumes ?? [])
    .filter((v) => orphan(v.Labels ?? undefined))
    .map((v) => ({ name: v.Name, project: v.Labels?.[PROJECT_LABEL] }));
  const inUse = new Set(all.map((c) => c.ImageID));
  const images = (await docker.listImages())
    .filter((image) => !inUse.has(image.Id))
    .flatMap((image) =>
      (image.RepoTags ?? []).filter((tag) => tag.startsWith(CHECK_IMAGE_PREFIX)).map((tag) => ({ id: image.Id, tag })),
    );
  const buildCache = chainsToDrop(readChains(join(imageLockDir(), 'cache')), engineKey(docker), 0).length;
  return { containers, networks, volumes, images, buildCache };
}

export async function applyGc(docker: Dockerode, plan: GcPlan): Promise<void> {
  for (const container of plan.containers)
    await docker.getContainer(container.id).remove({ force: true, v: true }).catch(ignoreMissing);
  for (const network of plan.networks) await docker.getNetwork(network.id).remove().catch(ignoreMissing);
  for (const volume of plan.volumes) await docker.getVolume(volume.name).remove().catch(ignoreMissing);
  // By tag: an image that also carries another tag keeps it. A check that started using it since is left alone (409).
  const failed = await removeImagesInTurn(
    docker,
    (plan.images ?? []).map((image) => image.tag),
  );
  for (const error of failed.values()) ignoreMissingOrInUse(error);
  if (plan.buildCache) await dropBuildCache(docker);
}

function ignoreMissingOrInUse(error: unknown): void {
  if ((error as { statusCode?: number }).statusCode !== 409) ignoreMissing(error);
}

function ignoreMissing(error: unknown): void {
  if ((error as { statusCode?: number }).statusCode !== 404) throw error;
}
