import type Dockerode from 'dockerode';
import { DeLabError, EXIT } from '../core/errors.js';
import { tr } from '../i18n/lang.js';
import type { Lab } from '../course/labs.js';
import { composeHint, composeProcess, composeServices, type ComposeTarget, type ServiceSpec } from './compose.js';
import { diagnose } from './diagnose.js';
import { healthWaves, probeOnce, serviceHealth, type HealthProbe } from './health-probe.js';
import { logTail, PROJECT_LABEL, projectContainers, type ServiceState } from './project.js';

export type Phase = 'pending' | 'creating' | 'starting' | 'healthy' | 'running' | 'done' | 'failed';

export interface ServiceProgress {
  service: string;
  phase: Phase;
  /** Milliseconds since start began, when the phase was reached. */
  at: number;
}

export interface StartResult {
  project: string;
  alreadyRunning: boolean;
  seconds: number;
  services: ServiceState[];
}

export const READY: ReadonlySet<Phase> = new Set(['healthy', 'running', 'done']);

/** The phase of one service from its container (or its absence). */
export function phaseOf(spec: ServiceSpec, state: ServiceState | undefined): Phase {
  if (!state) return 'creating';
  if (state.state === 'created' || state.state === 'restarting')
    return state.state === 'created' ? 'creating' : 'failed';
  if (state.state === 'running') {
    if (!spec.hasHealthcheck && state.health === undefined) return spec.oneshot ? 'starting' : 'running';
    if (state.health === 'healthy') return 'healthy';
    if (state.health === 'unhealthy') return 'failed';
    return 'starting';
  }
  if (state.state === 'exited' && spec.oneshot && state.exitCode === 0) return 'done';
  if (state.state === 'exited' || state.state === 'dead') return 'failed';
  return 'starting';
}

/** A service failed to come up: the reason, its log tail and, where recognised, cause and fix. */
export async function serviceFailure(
  docker: Dockerode,
  lab: Lab,
  state: ServiceState | undefined,
  service: string,
  reason: string,
): Promise<DeLabError> {
  let logs: string[] = [];
  let oomKilled = false;
  let exitCode = state?.exitCode;
  if (state) {
    logs = await logTail(docker, state.id, 20);
    const info = await docker
      .getContainer(state.id)
      .inspect()
      .catch(() => undefined);
    oomKilled = info?.State.OOMKilled === true;
    exitCode = info?.State.ExitCode ?? exitCode;
  }
  const known = diagnose({ exitCode, oomKilled, logs });
  const tail =
    logs.length > 0
      ? `\n${tr({ en: 'Last log lines', ko: '마지막 로그' })} (${service}):\n${logs.map((line) => `    ${line}`).join('\n')}`
      : '';
  const error = new DeLabError(
    tr({
      en: `The ${service} service of ${lab.id} ${reason}${known ? `: ${known.cause}` : ''}.`,
      ko: `${lab.id}의 ${service} 서비스가 ${reason}${known ? `: ${known.cause}` : ''}.`,
    }),
    {
      hint: `${known?.fix ?? tr({ en: `Read its log below; \`de-lab logs ${lab.id} ${service}\` shows all of it.`, ko: `아래 로그를 확인하세요. 전체는 \`de-lab logs ${lab.id} ${service}\`로 볼 수 있습니다.` })}${tail}`,
      code: 'E_SERVICE_FAILED',
    },
  );
  Object.assign(error, { service, logs, containerExitCode: exitCode, oomKilled });
  return error;
}

export function failureReason(phase: Phase, state: ServiceState | undefined): string {
  if (state?.health === 'unhealthy') return tr({ en: 'turned unhealthy', ko: 'unhealthy 상태가 되었습니다' });
  if (state?.state === 'restarting') return tr({ en: 'keeps restarting', ko: '계속 재시작합니다' });
  if (state?.exitCode !== undefined && !Number.isNaN(state.exitCode))
    return tr({ en: `exited with code ${state.exitCode}`, ko: `종료 코드 ${state.exitCode}로 끝났습니다` });
  return phase === 'failed'
    ? tr({ en: 'stopped', ko: '멈췄습니다' })
    : tr({ en: 'did not become ready in time', ko: '제시간에 준비되지 않았습니다' });
}

/**
 * Wakes the start loop when something happens to the project's containers (engine events:
 * create, start, health_status, die…), when Compose exits, or after `ms` at the latest, so
 * readiness is seen the moment the engine reports it instead of on the next polling tick.
 */
class ChangeWaiter {
  private wake: (() => void) | undefined;
  private pending = false;
  private stream: NodeJS.ReadableStream | undefined;

  async watch(docker: Dockerode, project: string): Promise<void> {
    try {
      const stream = (await docker.getEvents({
        filters: { type: ['container'], label: [`${PROJECT_LABEL}=${project}`] },
      })) as NodeJS.ReadableStream;
      this.stream = stream;
      stream.on('data', () => this.notify());
      stream.on('error', () => undefined);
    } catch {
      // No event stream: the fallback timer alone drives the loop.
    }
  }

  notify(): void {
    this.pending = true;
    this.wake?.();
  }

  next(ms: number, signal?: AbortSignal): Promise<void> {
    if (this.pending || signal?.aborted) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.wake = undefined;
        this.pending = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  close(): void {
    (this.stream as unknown as { destroy?: () => void } | undefined)?.destroy?.();
  }
}

/**
 * Brings the day's stack up with `docker compose up -d` and watches every service until it is
 * ready (healthy by its own healthcheck, running when it has none, exited 0 for one-shot jobs).
 * A healthy stack is a quick no-op; a half-started one is repaired by Compose. A target with
 * `probeHealth` (grading's private stacks, whose healthchecks Compose has switched off) starts in
 * waves instead, and de-lab runs each healthcheck itself until it passes once (health-probe.ts).
 */
export async function startStack(input: {
  lab: Lab;
  target: ComposeTarget;
  docker: Dockerode;
  timeoutMs?: number;
  signal?: AbortSignal;
  onProgress?: (progress: ServiceProgress) => void;
}): Promise<StartResult> {
  const { lab, target, docker } = input;
  const started = Date.now();
  const deadline = started + (input.timeoutMs ?? 10 * 60_000);
  const specs = composeServices(lab.composeFile);
  if (target.probeHealth) {
    const health = serviceHealth(lab.composeFile);
    let rows: Rows = [];
    for (const wave of healthWaves(health)) {
      // Compose sees no healthcheck on these services (the override disables them): running is up.
      const waveSpecs = specs
        .filter((spec) => wave.includes(spec.name))
        .map((spec) => ({ ...spec, hasHealthcheck: false }));
      rows = await upAndWatch(input, waveSpecs, wave, started, deadline);
      await Promise.all(
        rows.map(({ spec, state }) => {
          const probe = health.find((h) => h.name === spec.name)?.probe;
          return probe && state ? probeUntilReady(input, spec.name, state, probe, deadline) : undefined;
        }),
      );
    }
    const all = await projectContainers(docker, target.project);
    return {
      project: target.project,
      alreadyRunning: false,
      seconds: (Date.now() - started) / 1000,
      services: specs.map((spec) => all.find((s) => s.service === spec.name)).filter((s): s is ServiceState => !!s),
    };
  }
  const before = await snapshotOf(docker, target.project, specs);
  if (allReady(before)) {
    return { project: target.project, alreadyRunning: true, seconds: 0, services: before.map((row) => row.state!) };
  }
  const rows = await upAndWatch(input, specs, [], started, deadline);
  return {
    project: target.project,
    alreadyRunning: false,
    seconds: (Date.now() - started) / 1000,
    services: rows.map((row) => row.state!),
  };
}

type Rows = Array<{ spec: ServiceSpec; state: ServiceState | undefined }>;

async function snapshotOf(docker: Dockerode, project: string, specs: ServiceSpec[]): Promise<Rows> {
  const states = await projectContainers(docker, project);
  return specs.map((spec) => ({ spec, state: states.find((s) => s.service === spec.name) }));
}

const interrupted = () =>
  new DeLabError(tr({ en: 'Start was interrupted.', ko: '시작이 중단되었습니다.' }), {
    code: 'E_INTERRUPTED',
    exitCode: EXIT.interrupted,
  });

const allReady = (rows: Rows) => rows.every(({ spec, state }) => READY.has(phaseOf(spec, state)));

/** Runs a service's healthcheck until it passes once, as the engine would judge it (start period, retries). */
async function probeUntilReady(
  input: { lab: Lab; target: ComposeTarget; docker: Dockerode; signal?: AbortSignal },
  service: string,
  state: ServiceState,
  probe: HealthProbe,
  deadline: number,
): Promise<void> {
  const { docker, lab, signal } = input;
  const begun = Date.now();
  // The engine gives up after `retries` failures in a row once the start period is over.
  const giveUp = Math.min(deadline, begun + probe.startPeriodMs + probe.retries * (probe.intervalMs + probe.timeoutMs));
  let last = '';
  for (;;) {
    if (signal?.aborted) throw interrupted();
    const result = await probeOnce(docker, state.id, probe).catch((error: unknown) => ({
      exitCode: undefined,
      output: String((error as Error).message ?? error),
    }));
    if (result.exitCode === 0) return;
    last = result.output.split('\n').filter(Boolean).pop() ?? `exit ${result.exitCode ?? '?'}`;
    const now = (await projectContainers(docker, input.target.project)).find((s) => s.service === service);
    if (now?.state !== 'running') throw await serviceFailure(docker, lab, now, service, failureReason('failed', now));
    if (Date.now() > giveUp)
      throw await serviceFailure(
        docker,
        lab,
        now,
        service,
        tr({
          en: `did not pass its healthcheck in time (last: ${last.slice(0, 200)})`,
          ko: `제시간에 헬스체크를 통과하지 못했습니다 (마지막: ${last.slice(0, 200)})`,
        }),
      );
    await new Promise((resolve) => setTimeout(resolve, Math.min(probe.intervalMs, 1000)));
  }
}

/** `docker compose up -d [services]`, watched until the given services are ready or one fails. */
async function upAndWatch(
  input: {
    lab: Lab;
    target: ComposeTarget;
    docker: Dockerode;
    signal?: AbortSignal;
    onProgress?: (progress: ServiceProgress) => void;
  },
  specs: ServiceSpec[],
  services: string[],
  started: number,
  deadline: number,
): Promise<Rows> {
  const { lab, target, docker, signal } = input;
  const phases = new Map<string, Phase>(specs.map((spec) => [spec.name, 'pending']));
  const snapshot = () => snapshotOf(docker, target.project, specs);
  const changes = new ChangeWaiter();
  await changes.watch(docker, target.project);
  const up = composeProcess(target, ['up', '-d', '--no-build', '--remove-orphans', '--pull', 'never', ...services]);
  let upResult: { exitCode?: number; all?: string } | undefined;
  void up.then((result) => {
    upResult = result as { exitCode?: number; all?: string };
    changes.notify();
  });
  const onAbort = () => up.kill('SIGTERM');
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      if (signal?.aborted) throw interrupted();
      const rows = await snapshot();
      for (const { spec, state } of rows) {
        const phase = phaseOf(spec, state);
        if (phases.get(spec.name) !== phase) {
          phases.set(spec.name, phase);
          input.onProgress?.({ service: spec.name, phase, at: Date.now() - started });
        }
        // A failed container is final only once Compose has finished (it may still be recreating it).
        if (phase === 'failed' && (upResult !== undefined || state?.health === 'unhealthy')) {
          throw await serviceFailure(docker, lab, state, spec.name, failureReason(phase, state));
        }
      }
      if (upResult !== undefined && upResult.exitCode !== 0) {
        const output = String(upResult.all ?? '').trim();
        const unhealthy = rows.find(({ spec, state }) => phaseOf(spec, state) === 'failed');
        if (unhealthy)
          throw await serviceFailure(
            docker,
            lab,
            unhealthy.state,
            unhealthy.spec.name,
            failureReason('failed', unhealthy.state),
          );
        throw new DeLabError(
          tr({
            en: `docker compose up failed for ${lab.id}: ${output.split('\n').pop()}`,
            ko: `${lab.id}의 docker compose up 실패: ${output.split('\n').pop()}`,
          }),
          { hint: composeHint(output), code: 'E_COMPOSE' },
        );
      }
      if (upResult !== undefined && allReady(rows)) return rows;
      if (Date.now() > deadline) {
        const slow = rows.find(({ spec, state }) => !READY.has(phaseOf(spec, state)));
        throw await serviceFailure(
          docker,
          lab,
          slow?.state,
          slow?.spec.name ?? '?',
          failureReason('starting', slow?.state),
        );
      }
      // Health changes arrive as events; the timer covers anything the event stream misses.
      await changes.next(1000, signal);
    }
  } finally {
    changes.close();
    signal?.removeEventListener('abort', onAbort);
    if (upResult === undefined) await up.catch(() => undefined);
  }
}
