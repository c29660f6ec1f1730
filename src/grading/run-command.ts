import { execService, runLimited, serviceContainerId, type RunOutput } from '../stack/sandbox/containers.js';
import { judgeShape } from '../stack/sandbox/judge.js';
import { enginePath } from '../stack/engines/mirror.js';
import type { RunContext } from './context.js';

/** Where a step or check runs its command: a service of a Compose project, a judge container, or a fresh limited container. */
export interface CommandTarget {
  service?: string;
  /** A fresh judge container shaped like this service (its image, network and read-only mounts), without its processes. */
  judge?: string;
  project?: string;
  image?: string;
  network?: string;
  user?: string;
  timeoutSec: number;
}

/**
 * Runs a command for grading: exec'd in `service` (of `project`, default the day's); or in a judge
 * container shaped like `judge` (see judge.ts), with the graded folder at its container path,
 * read-only unless `writable`; or else in a fresh limited container of `image` (default the tools
 * image) on the day's network with the graded folder at /work, read-only unless `writable`.
 */
export async function runGradingCommand(
  ctx: RunContext,
  target: CommandTarget,
  command: string[],
  options: { writable: boolean; env?: string[] },
): Promise<RunOutput> {
  const project = target.project ?? ctx.dayProject;
  if (target.judge) {
    const shape = await judgeShape(ctx.docker, project, target.judge, {
      folder: ctx.workdir,
      mount: ctx.vars.mount!,
      writable: options.writable,
    });
    return runLimited({
      docker: ctx.docker,
      ...shape,
      command,
      user: target.user ?? shape.user,
      env: [...shape.env, ...(options.env ?? [])],
      limits: { ...ctx.limits, timeoutMs: target.timeoutSec * 1000 },
      labels: { 'de-lab.role': 'judge' },
      signal: ctx.signal,
    });
  }
  if (target.service) {
    const containerId = await serviceContainerId(ctx.docker, project, target.service);
    return execService({
      docker: ctx.docker,
      containerId,
      command,
      user: target.user,
      env: options.env,
      timeoutMs: target.timeoutSec * 1000,
      signal: ctx.signal,
    });
  }
  return runLimited({
    docker: ctx.docker,
    image: target.image ?? `${ctx.prefix}/tools:1.0`,
    command,
    user: target.user,
    env: options.env,
    network: target.network ?? ctx.vars.network,
    binds: [`${enginePath(ctx.docker, ctx.workdir)}:/work${options.writable ? '' : ':ro'}`],
    limits: { ...ctx.limits, timeoutMs: target.timeoutSec * 1000 },
    signal: ctx.signal,
  });
}
