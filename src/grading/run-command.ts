import { execService, runLimited, serviceContainerId, type RunOutput } from '../stack/sandbox/containers.js';
import type { RunContext } from './context.js';

/** Where a step or check runs its command: a service of a Compose project, or a fresh limited container. */
export interface CommandTarget {
  service?: string;
  project?: string;
  image?: string;
  network?: string;
  user?: string;
  timeoutSec: number;
}

/**
 * Runs a command for grading: exec'd in `service` (of `project`, default the day's), or else in a
 * fresh limited container of `image` (default the tools image) on the day's network with the
 * graded folder at /work, read-only unless `writable`.
 */
export async function runGradingCommand(
  ctx: RunContext,
  target: CommandTarget,
  command: string[],
  options: { writable: boolean },
): Promise<RunOutput> {
  if (target.service) {
    const containerId = await serviceContainerId(ctx.docker, target.project ?? ctx.dayProject, target.service);
    return execService({
      docker: ctx.docker,
      containerId,
      command,
      user: target.user,
      timeoutMs: target.timeoutSec * 1000,
      signal: ctx.signal,
    });
  }
  return runLimited({
    docker: ctx.docker,
    image: target.image ?? `${ctx.prefix}/tools:1.0`,
    command,
    user: target.user,
    network: target.network ?? ctx.vars.network,
    binds: [`${ctx.workdir}:/work${options.writable ? '' : ':ro'}`],
    limits: { ...ctx.limits, timeoutMs: target.timeoutSec * 1000 },
    signal: ctx.signal,
  });
}
