import type Dockerode from 'dockerode';
import type { Lab } from '../../course/labs.js';
import { execService, serviceContainerId } from './containers.js';

/** Where a resident's own output goes, inside its service container (for `--keep` post-mortems). */
export const RESIDENT_LOG = '/tmp/de-lab-resident.log';

/**
 * One resident per container: the command runs under `flock -n` on this file (util-linux, in every
 * Debian image). A start while another one holds it (still coming up: `start` launched it and a
 * `check` came before it answered; or still ending, its JVM shutting down) exits at once with
 * LOCKED instead of starting a second helper over the first one's socket; startResident then
 * waits for that one to answer and tries again while it does not, so nothing is left waiting in
 * the container. An image without flock runs the command as it is.
 */
const RESIDENT_LOCK = '/tmp/de-lab-resident.lock';
const LOCKED = 75;

/** Starts the resident's command detached in the container; its output goes to RESIDENT_LOG. */
async function launch(docker: Dockerode, containerId: string, command: string[]) {
  const script = [
    `if command -v flock >/dev/null 2>&1; then`,
    `  exec flock -n -E ${LOCKED} ${RESIDENT_LOCK} sh -c 'exec "$@" > ${RESIDENT_LOG} 2>&1' sh "$@"`,
    `fi`,
    `exec "$@" > ${RESIDENT_LOG} 2>&1`,
  ].join('\n');
  const exec = await docker.getContainer(containerId).exec({
    Cmd: ['sh', '-c', script, 'sh', ...command],
    AttachStdout: false,
    AttachStderr: false,
  });
  // The engine answers a detached start with a stream that it never ends: drop it, or it keeps
  // de-lab's process alive (for minutes) after the grading is done.
  const answer: unknown = await exec.start({ Detach: true });
  (answer as { destroy?: () => void } | undefined)?.destroy?.();
  return exec;
}

/** How the lab's resident helper fared in one private stack (undefined: the lab has none). */
export interface ResidentStart {
  ready: boolean;
  seconds: number;
  /** Why it is not ready, in one sentence. */
  reason?: string;
}

/** Whether the `ready` command exits 0 in the container, within timeoutMs. */
async function answers(docker: Dockerode, containerId: string, ready: string[], timeoutMs: number): Promise<boolean> {
  const probe = await execService({ docker, containerId, command: ready, timeoutMs }).catch(() => undefined);
  return probe?.exitCode === 0;
}

/** Whether the lab's resident helper still answers its `ready` command in the project's stack. */
export async function residentAnswers(docker: Dockerode, lab: Lab, project: string): Promise<boolean> {
  const spec = lab.resident;
  if (!spec) return false;
  const id = await serviceContainerId(docker, project, spec.service).catch(() => undefined);
  return id !== undefined && (await answers(docker, id, spec.ready, 10_000));
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
  const id = await serviceContainerId(docker, project, spec.service).catch(() => undefined);
  if (!id) return done(false, `service ${spec.service} is not running`);
  let exec = await launch(docker, id, spec.command);
  let locked = false;
  const deadline = started + spec.timeoutSec * 1000;
  while (Date.now() < deadline) {
    if (await answers(docker, id, spec.ready, Math.max(1000, Math.min(10_000, deadline - Date.now()))))
      return done(true);
    const info = await exec.inspect().catch(() => undefined);
    if (info && !info.Running && info.ExitCode === LOCKED) {
      // Another one holds the lock and does not answer (yet): try again until one answers.
      locked = true;
      await new Promise((resolve) => setTimeout(resolve, 300));
      exec = await launch(docker, id, spec.command);
      continue;
    }
    if (info && !info.Running)
      return done(false, `it exited with code ${info.ExitCode ?? '?'} (its log: ${RESIDENT_LOG} in ${spec.service})`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  return done(
    false,
    locked
      ? `another one held ${RESIDENT_LOCK} in ${spec.service} for ${spec.timeoutSec} s without answering`
      : `it did not answer within ${spec.timeoutSec} s`,
  );
}

/**
 * `de-lab check`: the lab's resident helper in the learner's own stack, started when it does not
 * answer (the first check, or after a run ended it); it stays while the stack runs. `started`
 * tells whether this call started it.
 */
export async function ensureResident(
  docker: Dockerode,
  lab: Lab,
  project: string,
  onStart?: () => void,
): Promise<(ResidentStart & { started: boolean }) | undefined> {
  if (!lab.resident) return undefined;
  if (await residentAnswers(docker, lab, project)) return { ready: true, seconds: 0, started: false };
  onStart?.();
  const start = await startResident(docker, lab, project);
  return start && { ...start, started: true };
}

/**
 * `de-lab start`: launches the lab's resident helper in the learner's new stack and returns at
 * once, so that it is warm by the first `check` (which waits for it, or starts it when it ended).
 * True when one was launched (none when one already answers); a helper that does not come up costs
 * that check time, never a start.
 */
export async function launchResident(
  docker: Dockerode,
  lab: Lab,
  project: string,
  options: { fresh?: boolean } = {},
): Promise<boolean> {
  const spec = lab.resident;
  if (!spec) return false;
  const id = await serviceContainerId(docker, project, spec.service).catch(() => undefined);
  // In a stack that was already up, one may answer: asked first (a fresh stack has none).
  if (!id || (!options.fresh && (await answers(docker, id, spec.ready, 10_000)))) return false;
  return launch(docker, id, spec.command).then(
    () => true,
    () => false,
  );
}
