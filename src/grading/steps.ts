import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { cliEnv } from '../stack/engines/cli-env.js';
import { withTimeout } from '../stack/engine.js';
import { errorMessage } from '../core/errors.js';
import { tr } from '../i18n/lang.js';
import { argv, fillDeep } from './template.js';
import { lastErrorLine } from './compare.js';
import type { RunContext } from './context.js';
import type { Step } from './schema.js';
import type { StepResult } from './results.js';
import { execBackground, execService, serviceContainerId } from '../stack/sandbox/containers.js';
import { runGradingCommand } from './run-command.js';
import { BuildFailure, buildLearnerImage } from '../stack/sandbox/learner-build.js';
import { removeImagesInTurn } from '../stack/sandbox/image-lock.js';
import {
  composeFailureCause,
  composeRisks,
  confineLearnerCompose,
  interpolationEnv,
  LearnerComposeRefused,
  renderLearnerCompose,
  writeRendered,
} from '../stack/sandbox/learner-compose.js';
import { composeDown } from '../stack/sandbox/private-stack.js';
import { dropEscapingLinks } from '../stack/sandbox/folders.js';
import { mirrorOf } from '../stack/engines/mirror.js';
import { bindsOnMirror } from '../stack/engines/mirror-compose.js';
import { lastLine as lastLineOf } from '../core/text.js';

class StepFailure extends Error {
  constructor(
    message: string,
    readonly output?: string,
    /** The grader's own part of the step failed (see `graderExitCodes`). */
    readonly grader = false,
  ) {
    super(message);
  }
}

function tail(text: string, lines = 15): string {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .slice(-lines)
    .join('\n');
}

async function buildImage(ctx: RunContext, step: Extract<Step, { kind: 'docker-build' }>): Promise<string> {
  try {
    const built = await buildLearnerImage({
      docker: ctx.docker,
      context: join(ctx.workdir, step.context),
      dockerfile: step.dockerfile ?? 'Dockerfile',
      tag: step.tag,
      limits: ctx.limits,
      timeoutSec: step.timeoutSec,
      labels: { 'de-lab.managed': 'true', 'de-lab.purpose': 'grading' },
    });
    ctx.builtImages.add(step.tag);
    ctx.containment.buildPidsLimited = (ctx.containment.buildPidsLimited ?? true) && built.pidsLimited;
    return built.output;
  } catch (error) {
    if (error instanceof BuildFailure) throw new StepFailure(error.message, error.output);
    throw error;
  }
}

async function runCommand(ctx: RunContext, step: Extract<Step, { kind: 'command' }>): Promise<string> {
  const command = argv(step.command);
  if (step.background) {
    if (!step.service) throw new StepFailure('a background command needs a service');
    const containerId = await serviceContainerId(ctx.docker, step.project ?? ctx.dayProject, step.service);
    const pidFile = `/tmp/de-lab-${ctx.vars.unique}-${step.id}.pid`;
    const started = await execBackground({ docker: ctx.docker, containerId, command, user: step.user, pidFile });
    ctx.background.set(step.id, { containerId, pidFile, finished: started.finished });
    return '';
  }
  const result = await runGradingCommand(ctx, step, command, { writable: true });
  const output = tail(`${result.stdout}\n${result.stderr}`);
  const last = lastErrorLine(`${result.stdout}\n${result.stderr}`);
  if (result.timedOut)
    throw new StepFailure(
      `timed out after ${step.timeoutSec} s${output ? `; its last output: ${last}` : ' without any output'}`,
      output,
    );
  if (result.exitCode !== undefined && step.graderExitCodes?.includes(result.exitCode))
    throw new StepFailure(`the grader's own part failed (exit ${result.exitCode}): ${last}`, output, true);
  if (step.mustSucceed && result.exitCode === 137)
    throw new StepFailure('was killed (exit 137, most often the container ran out of memory)', output);
  if (step.mustSucceed && result.exitCode !== 0)
    throw new StepFailure(`exited with code ${result.exitCode}: ${last}`, output);
  // A step allowed to fail still says that it did, so a learner reading the log is not misled.
  if (result.exitCode !== 0) return `exit ${result.exitCode} (allowed): ${last}${output ? `\n${output}` : ''}`;
  return output;
}

async function stopBackground(ctx: RunContext, step: Extract<Step, { kind: 'stop-background' }>): Promise<string> {
  const running = ctx.background.get(step.step);
  if (!running) throw new StepFailure(`no background step called ${step.step} is running`);
  const signal = step.signal.replace('SIG', '');
  await execService({
    docker: ctx.docker,
    containerId: running.containerId,
    command: ['sh', '-c', `kill -${signal} "$(cat ${running.pidFile})" 2>/dev/null; true`],
    timeoutMs: 10_000,
  });
  // withTimeout clears its timer once decided: a pending one kept `de-lab check` alive for the rest
  // of its 30 s after checkpoint-recovery's crash. `finished` never rejects: a rejection is late.
  const outcome = await withTimeout(running.finished, step.timeoutSec * 1000).then(
    () => 'done' as const,
    () => 'late' as const,
  );
  if (outcome === 'late') {
    await execService({
      docker: ctx.docker,
      containerId: running.containerId,
      command: ['sh', '-c', `kill -KILL "$(cat ${running.pidFile})" 2>/dev/null; true`],
      timeoutMs: 10_000,
    });
  }
  ctx.background.delete(step.step);
  return outcome === 'late' ? `killed after ${step.timeoutSec} s` : 'stopped';
}

export function composeEnv(ctx: RunContext): NodeJS.ProcessEnv {
  return { ...cliEnv(ctx.docker), DE_LAB_IMAGE_PREFIX: ctx.prefix };
}

async function composeUp(ctx: RunContext, step: Extract<Step, { kind: 'compose-up' }>): Promise<string> {
  const file = join(ctx.workdir, step.file);
  if (!existsSync(file)) throw new StepFailure(`${step.file} does not exist`);
  let rendered;
  try {
    const config = await renderLearnerCompose({
      file,
      folder: ctx.workdir,
      project: step.project,
      env: interpolationEnv(step.env, ctx.prefix),
    });
    const risks = composeRisks(config, ctx.workdir);
    if (risks.length > 0) throw new LearnerComposeRefused(`is refused for safety: ${risks.join('; ')}`);
    rendered = await confineLearnerCompose(config, {
      limits: ctx.limits,
      labels: { 'de-lab.managed': 'true', 'de-lab.purpose': 'grading' },
    });
  } catch (error) {
    if (error instanceof LearnerComposeRefused) throw new StepFailure(`${step.file} ${error.message}`, error.detail);
    throw error;
  }
  for (const port of rendered.ports) {
    ctx.portRequests.push(port);
    ctx.vars[`published:${port.published}`] = String(port.actual);
  }
  ctx.containment.composeConfined = true;
  // An engine with a disk of its own mounts its copy of the graded folder (engines/mirror.ts).
  const mirror = mirrorOf(ctx.docker);
  const onEngine = mirror ? bindsOnMirror(rendered.config, mirror) : rendered.config;
  const renderedFile = writeRendered(onEngine, ctx.privateDir, step.project);
  ctx.composeProjects.add(step.project);
  const args = [
    'compose',
    '-p',
    step.project,
    '-f',
    renderedFile,
    '--project-directory',
    ctx.workdir,
    'up',
    '-d',
    '--pull',
    'never',
    ...(step.wait ? ['--wait', '--wait-timeout', String(step.timeoutSec)] : []),
  ];
  const result = await execa('docker', args, {
    env: composeEnv(ctx),
    reject: false,
    all: true,
    timeout: (step.timeoutSec + 30) * 1000,
    cwd: ctx.workdir,
  });
  if (result.exitCode !== 0) {
    const cause = await composeFailureCause(ctx.docker, step.project);
    const first = cause?.split('\n')[0];
    throw new StepFailure(
      first
        ? `docker compose up failed: ${first.replace(/; last log lines:$/, '')}`
        : `docker compose up failed: ${lastLine(String(result.all))}`,
      cause ?? tail(String(result.all)),
    );
  }
  return tail(String(result.all), 5);
}

const lastLine = (text: string): string => lastLineOf(text) ?? 'no output';

export { composeDown };

async function cleanup(ctx: RunContext, step: Extract<Step, { kind: 'cleanup' }>): Promise<string> {
  const gone = (error: unknown) => {
    if ((error as { statusCode?: number }).statusCode !== 404) throw error;
  };
  for (const name of step.containers) await ctx.docker.getContainer(name).remove({ force: true, v: true }).catch(gone);
  for (const error of (await removeImagesInTurn(ctx.docker, step.images, { force: true, keepCache: true })).values())
    gone(error);
  for (const name of step.volumes) await ctx.docker.getVolume(name).remove({ force: true }).catch(gone);
  for (const name of step.networks) await ctx.docker.getNetwork(name).remove().catch(gone);
  return '';
}

/** Runs one step with its deadline; never throws: the result says what went wrong. */
export async function runStep(ctx: RunContext, raw: Step): Promise<StepResult> {
  const step = fillDeep(raw, ctx.vars);
  const started = Date.now();
  // A link that an earlier step's container left in the folder must not lead a bind mount or a build to a host file.
  dropEscapingLinks(ctx.workdir);
  const work = (async (): Promise<string> => {
    switch (step.kind) {
      case 'docker-build':
        return buildImage(ctx, step);
      case 'command':
        return runCommand(ctx, step);
      case 'stop-background':
        return stopBackground(ctx, step);
      case 'compose-up':
        return composeUp(ctx, step);
      case 'compose-down':
        await execa('docker', ['compose', '-p', step.project, 'down', '--timeout', '10'], {
          env: composeEnv(ctx),
          reject: false,
          timeout: step.timeoutSec * 1000,
        });
        return '';
      case 'cleanup':
        return cleanup(ctx, step);
    }
  })();
  const what = step.title ? tr(step.title) : step.kind;
  const limit = new Promise<never>((_, reject) =>
    setTimeout(
      () => reject(new StepFailure(`timed out after ${step.timeoutSec} s while it was waiting for: ${what}`)),
      step.timeoutSec * 1000 + 15_000,
    ).unref(),
  );
  try {
    const output = await Promise.race([work, limit]);
    return {
      id: step.id,
      kind: step.kind,
      ...(step.owner === 'grader' ? { owner: 'grader' as const } : {}),
      ok: true,
      seconds: (Date.now() - started) / 1000,
      output: output || undefined,
    };
  } catch (error) {
    const grader = step.owner === 'grader' || (error instanceof StepFailure && error.grader);
    return {
      id: step.id,
      kind: step.kind,
      ...(grader ? { owner: 'grader' as const } : {}),
      ok: false,
      seconds: (Date.now() - started) / 1000,
      error: errorMessage(error),
      output: (error as StepFailure).output,
    };
  }
}
