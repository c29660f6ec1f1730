import type Dockerode from 'dockerode';
import { serviceContainerId } from './containers.js';
import { enginePath } from '../engines/mirror.js';

/** How to create a judge container: runLimited's options that come from the service it is shaped like. */
export interface JudgeShape {
  image: string;
  entrypoint: string[];
  workingDir?: string;
  user?: string;
  env: string[];
  network: string;
  binds: string[];
}

/**
 * A judge container is shaped like a service of the stack: the same image (by id, as the service
 * runs it), environment, working folder, user and network, and the service's read-only bind
 * mounts (the day's gen/ folder of graders), but none of its processes, writable mounts or
 * volumes: the learner's program never runs there and cannot reach its files. The graded folder is
 * mounted at the same container path as in the service (so {mount} means the same), read-only
 * unless the caller writes into it (a grader-owned step that makes input).
 */
export async function judgeShape(
  docker: Dockerode,
  project: string,
  service: string,
  graded: { folder: string; mount: string; writable: boolean },
): Promise<JudgeShape> {
  const id = await serviceContainerId(docker, project, service);
  const info = await docker.getContainer(id).inspect();
  const readOnly = (info.Mounts ?? [])
    .filter((m) => m.Type === 'bind' && m.RW === false && m.Destination !== graded.mount)
    .map((m) => `${m.Source}:${m.Destination}:ro`);
  const networks = Object.keys(info.NetworkSettings?.Networks ?? {});
  return {
    image: info.Image,
    // No service entrypoint (a server's start script): the grader's command is the container's program.
    entrypoint: [],
    workingDir: info.Config.WorkingDir || undefined,
    user: info.Config.User || undefined,
    env: (info.Config.Env ?? []).filter((entry) => !entry.startsWith('DE_LAB_VERDICT_NONCE=')),
    network: networks[0] ?? 'none',
    binds: [...readOnly, `${enginePath(docker, graded.folder)}:${graded.mount}${graded.writable ? '' : ':ro'}`],
  };
}
