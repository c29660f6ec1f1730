import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { errorMessage } from '../core/errors.js';
import { argv, fillDeep } from './template.js';
import type { RunContext } from './context.js';
import type { Step } from './schema.js';
import type { StepResult } from './results.js';
import { execBackground, execService, serviceContainerId } from './containers.js';
import { runGradingCommand } from './run-command.js';
import { composeConfig, composeRisks } from './compose-guard.js';

class StepFailure extends Error {
  constructor(message: string, readonly output?: string) {
    super(message);
  }
}

function tail(text: string, lines = 15): string {
  return text.split('\n').filter((l) => l.trim()).slice(-lines).join('\n');
}

async function buildLearnerImage(ctx: RunContext, step: Extract<Step, { kind: 'docker-build' }>): Promise<string> {
  const context = join(ctx.workdir, step.context);
  const dockerfile = step.dockerfile ?? 'Dockerfile';
  if (!existsSync(join(context, dockerfile))) throw new StepFailure(`${join(step.context, dockerfile)} does not exist`);
  const { pack } = await import('tar-fs');
  // Closing the request at the deadline makes the engine cancel the build (a RUN that never ends).
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), step.timeoutSec * 1000);
  const lines: string[] = [];
  try {
    const stream = await ctx.docker.buildImage(pack(context) as unknown as NodeJS.ReadableStream, {
      t: step.tag,
      dockerfile,
      rm: true,
      forcerm: true,
      memory: ctx.limits.memoryBytes,
      memswap: ctx.limits.memoryBytes,
      labels: { 'de-lab.managed': 'true', 'de-lab.purpose': 'grading' },
      abortSignal: abort.signal,
    });
    await new Promise<void>((resolve, reject) => {
      ctx.docker.modem.followProgress(
        stream,
        (error: Error | null, events: Array<{ error?: string }>) => {
          const failed = abort.signal.aborted ? `timed out after ${step.timeoutSec} s` : (error?.message ?? events.find((e) => e.error)?.error);
          if (failed) reject(new StepFailure(`docker build failed: ${failed.trim()}`, lines.slice(-15).join('\n')));
          else resolve();
        },
        (event: { stream?: string; error?: string }) => {
          for (const line of (event.stream ?? event.error ?? '').split('\n')) if (line.trim()) lines.push(line.trimEnd());
        },
      );
    });
  } catch (error) {
    if (abort.signal.aborted && !(error instanceof StepFailure)) throw new StepFailure(`docker build failed: timed out after ${step.timeoutSec} s`, lines.slice(-15).join('\n'));
    throw error;
  } finally {
    clearTimeout(timer);
  }
  return tail(lines.join('\n'), 5);
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
  if (result.timedOut) throw new StepFailure(`timed out after ${step.timeoutSec} s`, output);
  if (step.mustSucceed && result.exitCode === 137) throw new StepFailure('was killed (exit 137, most often the container ran out of memory)', output);
  if (step.mustSucceed && result.exitCode !== 0) throw new StepFailure(`exited with code ${result.exitCode}`, output);
  return output;
}

async function stopBackground(ctx: RunContext, step: Extract<Step, { kind: 'stop-background' }>): Promise<string> {
  const running = ctx.background.get(step.step);
  if (!running) throw new StepFailure(`no background step called ${step.step} is running`);
  const signal = step.signal.replace('SIG', '');
  await execService({ docker: ctx.docker, containerId: running.containerId, command: ['sh', '-c', `kill -${signal} "$(cat ${running.pidFile})" 2>/dev/null; true`], timeoutMs: 10_000 });
  const deadline = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), step.timeoutSec * 1000));
  const outcome = await Promise.race([running.finished.then(() => 'done' as const), deadline]);
  if (outcome === 'late') {
    await execService({ docker: ctx.docker, containerId: running.containerId, command: ['sh', '-c', `kill -KILL "$(cat ${running.pidFile})" 2>/dev/null; true`], timeoutMs: 10_000 });
  }
  ctx.background.delete(step.step);
  return outcome === 'late' ? `killed after ${step.timeoutSec} s` : 'stopped';
}

export function composeEnv(ctx: RunContext): NodeJS.ProcessEnv {
  return { ...process.env, DE_LAB_IMAGE_PREFIX: ctx.prefix };
}

async function composeUp(ctx: RunContext, step: Extract<Step, { kind: 'compose-up' }>): Promise<string> {
  const file = join(ctx.workdir, step.file);
  if (!existsSync(file)) throw new StepFailure(`${step.file} does not exist`);
  let config;
  try {
    config = await composeConfig(file, step.project, { ...composeEnv(ctx), ...step.env });
  } catch (error) {
    throw new StepFailure(`${step.file} is not a valid Compose file`, tail(String((error as { stderr?: string }).stderr ?? errorMessage(error))));
  }
  const risks = composeRisks(config, dirname(file));
  if (risks.length > 0) throw new StepFailure(`${step.file} is refused for safety: ${risks.join('; ')}`);
  ctx.composeProjects.add(step.project);
  const args = ['compose', '-p', step.project, '-f', file, 'up', '-d', '--pull', 'never', ...(step.wait ? ['--wait', '--wait-timeout', String(step.timeoutSec)] : [])];
  const result = await execa('docker', args, { env: { ...composeEnv(ctx), ...step.env }, reject: false, all: true, timeout: (step.timeoutSec + 30) * 1000, cwd: dirname(file) });
  if (result.exitCode !== 0) throw new StepFailure(`docker compose up failed`, tail(String(result.all)));
  return tail(String(result.all), 5);
}

export async function composeDown(project: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  await execa('docker', ['compose', '-p', project, 'down', '-v', '--remove-orphans', '--timeout', '5'], { env, reject: false, timeout: 120_000 });
}

async function cleanup(ctx: RunContext, step: Extract<Step, { kind: 'cleanup' }>): Promise<string> {
  const gone = (error: unknown) => {
    if ((error as { statusCode?: number }).statusCode !== 404) throw error;
  };
  for (const name of step.containers) await ctx.docker.getContainer(name).remove({ force: true, v: true }).catch(gone);
  for (const name of step.images) await ctx.docker.getImage(name).remove({ force: true }).catch(gone);
  for (const name of step.volumes) await ctx.docker.getVolume(name).remove({ force: true }).catch(gone);
  for (const name of step.networks) await ctx.docker.getNetwork(name).remove().catch(gone);
  return '';
}

/** Runs one step with its deadline; never throws: the result says what went wrong. */
export async function runStep(ctx: RunContext, raw: Step): Promise<StepResult> {
  const step = fillDeep(raw, ctx.vars);
  const started = Date.now();
  const work = (async (): Promise<string> => {
    switch (step.kind) {
      case 'docker-build':
        return buildLearnerImage(ctx, step);
      case 'command':
        return runCommand(ctx, step);
      case 'stop-background':
        return stopBackground(ctx, step);
      case 'compose-up':
        return composeUp(ctx, step);
      case 'compose-down':
        await execa('docker', ['compose', '-p', step.project, 'down', '--timeout', '10'], { env: composeEnv(ctx), reject: false, timeout: step.timeoutSec * 1000 });
        return '';
      case 'cleanup':
        return cleanup(ctx, step);
    }
  })();
  const limit = new Promise<never>((_, reject) => setTimeout(() => reject(new StepFailure(`timed out after ${step.timeoutSec} s`)), step.timeoutSec * 1000 + 15_000).unref());
  try {
    const output = await Promise.race([work, limit]);
    return { id: step.id, kind: step.kind, ok: true, seconds: (Date.now() - started) / 1000, output: output || undefined };
  } catch (error) {
    return { id: step.id, kind: step.kind, ok: false, seconds: (Date.now() - started) / 1000, error: errorMessage(error), output: (error as StepFailure).output };
  }
}
