import { existsSync, readdirSync, rmSync } from 'node:fs';
import { AnchoredDir } from './anchored.js';
import type Dockerode from 'dockerode';
import { errorMessage } from '../../core/errors.js';
import type { Lab } from '../../course/labs.js';
import type { ComposeTarget } from '../compose.js';
import { projectContainers, PROJECT_LABEL } from '../project.js';
import { startStack } from '../start.js';
import { execService } from './containers.js';
import { removeImagesInTurn } from './image-lock.js';
import { composeDown, startPrivateStack } from './private-stack.js';
import { cliEnv } from '../engines/cli-env.js';
import { mirrorOf } from '../engines/mirror.js';
import { residentAnswers, startResident, type ResidentStart } from './resident.js';

/**
 * The private copy of the day's stack that grades one learner: project de-lab-grade-<day>-<role>,
 * no host ports, fresh volumes, and a workspace folder (dayDir) that holds only that learner's
 * files. It is removed with its volumes afterwards, so nothing one learner did can reach another.
 */
export interface LearnerStack {
  project: string;
  root: string;
  dayDir: string;
  target: ComposeTarget;
  /** {port:N} of the stack's private ports. */
  portVars: Record<string, string>;
  /** The lab's resident helper (day 4's warm Spark driver), started before the baseline is taken. */
  resident?: ResidentStart;
  /** Processes the exercises require (lab.yaml requiredProcesses): never leftovers. */
  required?: Array<{ service: string; command: string }>;
  /** Processes of each running service container right after start: anything else is the learner's. */
  baseline: Map<
    string,
    { service: string; pids: Set<string>; pidsLimit: number; refused: number; healthcheck: string; main: string }
  >;
}

export const GRADE_PROJECT_PREFIX = 'de-lab-grade';

/** The private project of one learner in one grading run (the run token keeps two runs of a day apart). */
export function learnerProject(day: string, role: string, runToken = ''): string {
  return `${GRADE_PROJECT_PREFIX}-${day}-${runToken ? `${runToken}-` : ''}${role}`
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, '-');
}

type Snapshot = Map<string, { service: string; pids: Set<string>; sample: Map<string, string> }>;

/** The processes of every running container of the project, as the engine's `top` lists them. */
export async function processSnapshot(docker: Dockerode, project: string): Promise<Snapshot> {
  const snapshot: Snapshot = new Map();
  for (const state of await projectContainers(docker, project)) {
    if (state.state !== 'running') continue;
    try {
      const top = (await docker.getContainer(state.id).top()) as { Titles: string[]; Processes: string[][] };
      const pidColumn = top.Titles.indexOf('PID');
      const cmdColumn = top.Titles.findIndex((t) => t === 'CMD' || t === 'COMMAND');
      const sample = new Map<string, string>();
      for (const row of top.Processes ?? []) sample.set(row[pidColumn] ?? '', row[cmdColumn] ?? '');
      snapshot.set(state.id, { service: state.service, pids: new Set(sample.keys()), sample });
    } catch {
      // A container that stops between list and top counts as gone below.
    }
  }
  return snapshot;
}

/**
 * How often the kernel refused a fork in the container because of its pids limit (the "max"
 * line of pids.events, cgroup v2 or v1); undefined when it cannot be read (no cgroup file, or
 * the container is so full that not even `cat` can start).
 */
export async function forkRefusals(docker: Dockerode, containerId: string): Promise<number | undefined> {
  const read = await execService({
    docker,
    containerId,
    user: '0',
    command: ['sh', '-c', 'cat /sys/fs/cgroup/pids.events 2>/dev/null || cat /sys/fs/cgroup/pids/pids.events'],
    timeoutMs: 5000,
  }).catch(() => undefined);
  const match = read && read.exitCode === 0 ? /^max\s+(\d+)/m.exec(read.stdout) : null;
  return match ? Number(match[1]) : undefined;
}

async function baselineOf(docker: Dockerode, project: string): Promise<LearnerStack['baseline']> {
  const snapshot = await processSnapshot(docker, project);
  const baseline: LearnerStack['baseline'] = new Map();
  for (const [id, s] of snapshot) {
    const info = await docker
      .getContainer(id)
      .inspect()
      .catch(() => undefined);
    const test: string[] = info?.Config?.Healthcheck?.Test ?? [];
    baseline.set(id, {
      service: s.service,
      pids: s.pids,
      pidsLimit: info?.HostConfig?.PidsLimit ?? 0,
      refused: (await forkRefusals(docker, id)) ?? 0,
      healthcheck: test[0] === 'CMD' || test[0] === 'CMD-SHELL' ? test.slice(1).join(' ') : '',
      main: [...(info?.Config?.Entrypoint ?? []), ...(info?.Config?.Cmd ?? [])].join(' '),
    });
  }
  return baseline;
}

/** Starts a fresh private stack (after removing any leftover of an interrupted run under that name). */
export async function openLearnerStack(input: {
  docker: Dockerode;
  lab: Lab;
  prefix: string;
  project: string;
  root: string;
}): Promise<LearnerStack> {
  await composeDown(input.project, cliEnv(input.docker));
  // A stale container under this name (compose down timed out) would pass for the new stack.
  for (const state of await projectContainers(input.docker, input.project))
    await input.docker
      .getContainer(state.id)
      .remove({ force: true, v: true })
      .catch(() => undefined);
  const stack = await startPrivateStack({
    docker: input.docker,
    lab: input.lab,
    project: input.project,
    prefix: input.prefix,
    root: input.root,
  });
  const resident = await startResident(input.docker, input.lab, input.project);
  return {
    project: input.project,
    root: stack.root,
    dayDir: stack.dayDir,
    target: stack.target,
    portVars: stack.portVars,
    resident,
    required: input.lab.requiredProcesses,
    baseline: await baselineOf(input.docker, input.project),
  };
}

export interface Leftovers {
  /** Services whose container is no longer running (killed, OOM, crashed by the learner). */
  gone: string[];
  /** Processes still running after the learner's run, per service, with a few of their commands. */
  strays: Array<{ service: string; count: number; started: number; pidsLimit: number; commands: string[] }>;
  /** Services whose pids limit refused forks during the run (a fork bomb, or far too many threads). */
  limited: Array<{ service: string; refused: number; pidsLimit: number }>;
}

/**
 * What a learner left behind in the service containers: processes that were not there before
 * and are still there a moment later (so a healthcheck that happens to run is not counted).
 */
export async function leftovers(docker: Dockerode, stack: LearnerStack): Promise<Leftovers> {
  const first = await processSnapshot(docker, stack.project);
  // The service's own healthcheck (a slow one can outlive the 750 ms) is the engine's, not the learner's.
  // So is the container's own main process (under load it may not have started when the baseline was taken).
  const engines = (snapshot: Snapshot, id: string, pid: string): boolean => {
    const command = snapshot.get(id)?.sample.get(pid) ?? '';
    const base = stack.baseline.get(id);
    return (
      !base ||
      isHealthcheck(command, base.healthcheck) ||
      command.trim() === base.main.trim() ||
      isRequired(stack.required, base.service, command)
    );
  };
  // Only a process that is new and still there 750 ms later counts; with none new, no second look.
  const suspects = [...first].some(([id, now]) =>
    [...now.pids].some((pid) => !stack.baseline.get(id)?.pids.has(pid) && !engines(first, id, pid)),
  );
  if (suspects) await new Promise((resolve) => setTimeout(resolve, 750));
  const second = suspects ? await processSnapshot(docker, stack.project) : first;
  const result: Leftovers = { gone: [], strays: [], limited: [] };
  for (const [id, base] of stack.baseline) {
    const now = second.get(id);
    if (!now) {
      result.gone.push(base.service);
      continue;
    }
    const before = first.get(id);
    const probe = (pid: string) => engines(second, id, pid);
    const extra = [...now.pids].filter((pid) => !base.pids.has(pid) && before?.pids.has(pid) && !probe(pid));
    if (extra.length > 0) {
      const commands = [...new Set(extra.map((pid) => now.sample.get(pid) ?? '').filter(Boolean))].slice(0, 3);
      result.strays.push({
        service: now.service,
        count: now.pids.size,
        started: extra.length,
        pidsLimit: base.pidsLimit,
        commands,
      });
    }
    const refused = await forkRefusals(docker, id);
    if (refused !== undefined && refused > base.refused)
      result.limited.push({ service: base.service, refused: refused - base.refused, pidsLimit: base.pidsLimit });
  }
  return result;
}

/** Whether a process is one the exercises make the service run (lab.yaml requiredProcesses). */
export function isRequired(
  required: Array<{ service: string; command: string }> | undefined,
  service: string,
  command: string,
): boolean {
  return (required ?? []).some((r) => r.service === service && command.includes(r.command));
}

/** Whether a process command line is (part of) the container's healthcheck command. */
export function isHealthcheck(command: string, healthcheck: string): boolean {
  const cmd = command.trim().replace(/^\/bin\/sh -c /, '');
  const test = healthcheck.trim();
  if (!cmd || !test) return false;
  return test.includes(cmd) || cmd.includes(test.slice(0, 60));
}

/** One sentence per problem, for the learner's notes. */
export function describeLeftovers(exercise: string, found: Leftovers): string[] {
  const notes = found.gone.map(
    (service) => `${exercise}: service ${service} stopped during the run (crashed, killed or out of memory)`,
  );
  for (const hit of found.limited)
    notes.push(
      `${exercise}: the pids limit of ${hit.service} (${hit.pidsLimit}) refused ${hit.refused} forks: too many processes (a fork bomb?) were contained`,
    );
  for (const stray of found.strays) {
    const contained =
      stray.pidsLimit > 0 && stray.count >= stray.pidsLimit * 0.9
        ? `, at its pids limit of ${stray.pidsLimit}, which contained them`
        : '';
    notes.push(
      `${exercise}: ${stray.started} processes that the run started were still running in ${stray.service} after it${contained} (${stray.commands.join('; ')})`,
    );
  }
  return notes;
}

/** Removes the stack with its volumes and starts it again: every process and every byte of state is new. */
export async function recreateStack(docker: Dockerode, lab: Lab, stack: LearnerStack): Promise<void> {
  await composeDown(stack.project, cliEnv(docker));
  if (existsSync(lab.composeFile)) await startStack({ lab, target: stack.target, docker });
  stack.resident = await startResident(docker, lab, stack.project);
  stack.baseline = await baselineOf(docker, stack.project);
}

/**
 * Starts the lab's resident helper again when it had started with the stack but no longer answers
 * (a learner's job ended it, or it ended itself over what a job left behind), and takes the
 * baseline anew so it is not counted as the learner's. True when it was started again.
 */
export async function reviveResident(docker: Dockerode, lab: Lab, stack: LearnerStack): Promise<boolean> {
  if (!stack.resident?.ready || (await residentAnswers(docker, lab, stack.project))) return false;
  stack.resident = await startResident(docker, lab, stack.project);
  stack.baseline = await baselineOf(docker, stack.project);
  return true;
}

/**
 * Removes files that containers created as another user and the host cannot delete (rootless
 * engines), from inside a service container that mounts the folder, before the stack goes.
 */
async function removeStubborn(docker: Dockerode, lab: Lab, stack: LearnerStack): Promise<void> {
  const stubborn: string[] = [];
  if (existsSync(stack.dayDir)) {
    // The stack still runs: a learner's process may swap folders for links meanwhile, so go by handle.
    const day = AnchoredDir.open(stack.dayDir);
    try {
      for (const name of readdirSync(day.path)) {
        try {
          if (!day.remove(name)) stubborn.push(name);
        } catch {
          stubborn.push(name);
        }
      }
    } finally {
      day.close();
    }
  }
  if (stubborn.length === 0 || !lab.workspaceMount) return;
  const mount = lab.workspaceMount;
  for (const state of await projectContainers(docker, stack.project)) {
    if (state.state !== 'running') continue;
    const info = await docker
      .getContainer(state.id)
      .inspect()
      .catch(() => undefined);
    if (!info?.Mounts?.some((m) => m.Destination === mount)) continue;
    await execService({
      docker,
      containerId: state.id,
      user: '0',
      command: ['sh', '-c', 'for f in "$@"; do rm -rf -- "$f"; done', 'sh', ...stubborn.map((n) => `${mount}/${n}`)],
      timeoutMs: 60_000,
    }).catch(() => undefined);
    return;
  }
}

export async function closeLearnerStack(docker: Dockerode, lab: Lab, stack: LearnerStack, keep = false): Promise<void> {
  if (keep) return;
  await removeStubborn(docker, lab, stack).catch(() => undefined);
  await composeDown(stack.project, cliEnv(docker));
  try {
    rmSync(stack.root, { recursive: true, force: true });
  } catch {
    // Files a container made as root on a rootless host: the stack is gone, the folder is in tmp.
  }
  await mirrorOf(docker)
    ?.forget(stack.root)
    .catch(() => undefined);
}

/** Images that a learner's run built: tagged with its role, or by a Compose project named after it. */
export async function removeRoleImages(docker: Dockerode, role: string): Promise<string[]> {
  const tagPattern = new RegExp(`(^|[^a-z0-9])${role.replace(/[^a-z0-9-]/g, '')}($|[^a-z0-9-])`);
  const chosen: string[] = [];
  const images = await docker.listImages({ filters: { label: ['de-lab.purpose=grading'] } }).catch(() => []);
  const composeBuilt = await docker.listImages({ filters: { label: [PROJECT_LABEL] } }).catch(() => []);
  for (const image of [...images, ...composeBuilt]) {
    const tags = (image.RepoTags ?? []).filter((tag) => tag !== '<none>:<none>');
    const ofProject = (image.Labels?.[PROJECT_LABEL] ?? '').endsWith(`-${role}`);
    chosen.push(...tags.filter((t) => tagPattern.test(t) || (ofProject && tags.length === 1)));
  }
  const failed = await removeImagesInTurn(docker, chosen, { keepCache: true });
  return [...new Set(chosen)].flatMap((tag) => {
    if (!failed.has(tag)) return [tag];
    const error = failed.get(tag);
    const status = (error as { statusCode?: number }).statusCode;
    return status === 404 || status === 409 ? [] : [`(${tag} not removed: ${errorMessage(error)})`];
  });
}
