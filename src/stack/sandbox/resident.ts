import type Dockerode from 'dockerode';
import type { Lab } from '../../course/labs.js';
import { projectContainers } from '../project.js';
import { execService } from './containers.js';

/** Where a resident's own output goes, inside its service container (for `--keep` post-mortems). */
export const RESIDENT_LOG = '/tmp/de-lab-resident.log';

/** How the lab's resident helper fared in one private stack (undefined: the lab has none). */
export interface ResidentStart {
  ready: boolean;
  seconds: number;
  /** Why it is not ready, in one sentence. */
  reason?: string;
}

/** Whether the lab's resident helper still answers its `ready` command in the project's stack. */
export async function residentAnswers(docker: Dockerode, lab: Lab, project: string): Promise<boolean> {
  const spec = lab.resident;
  if (!spec) return false;
  const container = (await projectContainers(docker, project)).find(
    (c) => c.service === spec.service && c.state === 'running',
  );
  if (!container) return false;
  const probe = await execService({ docker, containerId: container.id, command: spec.ready, timeoutMs: 10_000 }).catch(
    () => undefined,
  );
  return probe?.exitCode === 0;
}

/**
 * Starts the lab's resident helper (lab.yaml `resident`) in its service of a freshly started
 * private stack, detached, and waits until its `ready` command exits 0. Steps that use it fall
 * back to working without it, so a helper that does not come up costs time, not a grade.
 */
export async function startResident(docker: Dockerode, lab: Lab, project: string): Promise<ResidentStart | undefined> {
  const spec = lab.resident;
  if (!spec) return undefined;
  const started = Date.now();
  const done = (ready: boolean, reason?: string): ResidentStart => ({
    ready,
    seconds: (Date.now() - started) / 1000,
    reason,
  });
  const container = (await projectContainers(docker, project)).find(
    (c) => c.service === spec.service && c.state === 'running',
  );
  if (!container) return done(false, `service ${spec.service} is not running`);
  const exec = await docker.getContainer(container.id).exec({
    Cmd: ['sh', '-c', `exec "$@" > ${RESIDENT_LOG} 2>&1`, 'sh', ...spec.command],
    AttachStdout: false,
    AttachStderr: false,
  });
  // The engine answers a detached start with a stream that it never ends: drop it, or it keeps
  // de-lab's process alive (for minutes) after the grading is done.
  const answer: unknown = await exec.start({ Detach: true });
  (answer as { destroy?: () => void } | undefined)?.destroy?.();
  const deadline = started + spec.timeoutSec * 1000;
  while (Date.now() < deadline) {
    const probe = await execService({
      docker,
      containerId: container.id,
      command: spec.ready,
      timeoutMs: Math.max(1000, Math.min(10_000, deadline - Date.now())),
    }).catch(() => undefined);
    if (probe?.exitCode === 0) return done(true);
    const info = await exec.inspect().catch(() => undefined);
    if (info && !info.Running)
      return done(false, `it exited with code ${info.ExitCode ?? '?'} (its log: ${RESIDENT_LOG} in ${spec.service})`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  return done(false, `it did not answer within ${spec.timeoutSec} s`);
}
