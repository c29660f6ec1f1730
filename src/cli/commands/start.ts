import { josa } from '../../i18n/josa.js';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { endpointCard } from '../endpoint-card.js';
import { wholeNumber } from '../parse.js';
import { DeLabError, errorMessage } from '../../core/errors.js';
import { tr } from '../../i18n/lang.js';
import type { Lab } from '../../course/labs.js';
import type { Phase, StartResult } from '../../stack/start.js';
import { marks, style } from '../../ui/style.js';
import { action, type Context } from '../context.js';
import { example } from '../help.js';
import { confirmOrRefuse } from '../confirm.js';

const phaseText: Record<Phase, { en: string; ko: string }> = {
  pending: { en: 'waiting', ko: '대기' },
  creating: { en: 'creating', ko: '생성 중' },
  starting: { en: 'starting, waiting for its healthcheck', ko: '시작 중, 헬스체크 대기' },
  healthy: { en: 'healthy', ko: '정상(healthy)' },
  running: { en: 'running', ko: '실행 중' },
  done: { en: 'finished', ko: '완료' },
  failed: { en: 'failed', ko: '실패' },
};

export { endpointCard };

async function ensureImages(ctx: Context, lab: Lab): Promise<void> {
  const { requireEngine } = await import('../../stack/engine.js');
  const { ensureDayImages, shouldTryPull } = await import('../../images/ensure.js');
  const { runTasks } = await import('../../ui/tasks.js');
  const { docker } = await requireEngine();
  const tasks = (verb: { en: string; ko: string }) => (work: import('../../images/ensure.js').ImageWork[]) =>
    runTasks(
      work.map((w) => ({
        title: `${tr(verb)} ${w.image.tag}`,
        task: async (_c: object, task: { output: string }) => w.run((text) => (task.output = text)),
      })),
      { json: ctx.json, exitOnError: verb.en !== 'pull' },
    ).then(() => undefined);
  await ensureDayImages(
    {
      docker,
      composeFile: lab.composeFile,
      prefix: ctx.config.values.imagePrefix,
      caFile: ctx.config.values.caFile,
      tryPull: shouldTryPull(ctx.config.origins.imagePrefix),
    },
    {
      pulls: tasks({ en: 'pull', ko: '받기' }),
      builds: (work) => {
        // The learner asked to start the day, and the README says start builds what is missing: no question.
        if (!ctx.json)
          ctx.err(
            tr({
              en: `Building ${work.map((w) => w.image.recipe.name).join(', ')} for ${lab.id} (several minutes the first time; later starts take seconds).`,
              ko: `${lab.id}에 필요한 ${work.map((w) => w.image.recipe.name).join(', ')} 이미지를 빌드합니다(처음에는 몇 분, 이후 시작은 몇 초).`,
            }),
          );
        return tasks({ en: 'build', ko: '빌드' })(work);
      },
    },
  );
}

/** The running days that really conflict with `lab` (shared host ports, or memory beyond the engine's). */
async function conflictingDays(
  docker: import('dockerode'),
  lab: Lab,
  info: Promise<{ MemTotal?: number }>,
): Promise<{ conflicts: import('../../stack/preflight.js').DayConflict[]; memoryBytes: number }> {
  const [{ PROJECT_LABEL }, { dayConflicts }, { composeServices }, { findLab }] = await Promise.all([
    import('../../stack/project.js'),
    import('../../stack/preflight.js'),
    import('../../stack/compose.js'),
    import('../../course/labs.js'),
  ]);
  const containers = await docker.listContainers({ filters: { label: [PROJECT_LABEL], status: ['running'] } });
  const running = new Map<string, { id: string; ports: number[]; memoryMiB: number }>();
  for (const container of containers) {
    const project = container.Labels[PROJECT_LABEL] ?? '';
    if (!/^de-lab-day[1-9]$/.test(project) || project === `de-lab-${lab.id}`) continue;
    const id = project.replace('de-lab-', '');
    const day = running.get(id) ?? {
      id,
      ports: [],
      memoryMiB: (() => {
        try {
          return findLab(id).memoryMiB;
        } catch {
          return 0;
        }
      })(),
    };
    day.ports.push(
      ...(container.Ports ?? [])
        .map((p) => p.PublicPort)
        .filter((port): port is number => typeof port === 'number' && port > 0),
    );
    running.set(id, day);
  }
  if (running.size === 0) return { conflicts: [], memoryBytes: 0 };
  const memoryBytes = Number((await info).MemTotal ?? 0);
  const ports = [...new Set(composeServices(lab.composeFile).flatMap((service) => service.ports))];
  return { conflicts: dayConflicts(lab, ports, [...running.values()], memoryBytes), memoryBytes };
}

/** Stops another running day only when it conflicts with `lab`, saying why; other days keep running. */
async function stopConflictingDays(
  ctx: Context,
  docker: import('dockerode'),
  lab: Lab,
  yes: boolean,
  info: Promise<{ MemTotal?: number }>,
): Promise<string[]> {
  const { conflicts } = await conflictingDays(docker, lab, info);
  if (conflicts.length === 0) return [];
  const { conflictReason } = await import('../../stack/preflight.js');
  const days = conflicts.map((c) => c.day);
  const why = conflicts.map((c) => conflictReason(c, lab.id)).join('; ');
  const go = await confirmOrRefuse(
    ctx,
    yes,
    tr({
      en: `${why}. Stop ${days.join(', ')} (volumes are kept)?`,
      ko: `${why}. ${josa(days.join(', '), '을/를')} 멈출까요(볼륨은 유지)?`,
    }),
    false,
  );
  if (!go) {
    throw new DeLabError(
      tr({ en: `${lab.id} was not started: ${why}.`, ko: `${josa(lab.id, '을/를')} 시작하지 않았습니다: ${why}.` }),
      {
        hint: tr({
          en: `Run \`de-lab stop ${days.join(' && de-lab stop ')}\` first, or \`de-lab start ${lab.id} --yes\` to stop it for you.`,
          ko: `먼저 \`de-lab stop ${days.join(' && de-lab stop ')}\`을 실행하거나, \`de-lab start ${lab.id} --yes\`로 자동으로 멈추세요.`,
        }),
        code: 'E_OTHER_DAY_RUNNING',
      },
    );
  }
  const { stopDay } = await import('../../stack/stop.js');
  for (const day of days) await stopDay({ labId: day, purge: false });
  if (!ctx.json)
    ctx.err(
      tr({ en: `Stopped ${days.join(', ')} (${why}).`, ko: `${josa(days.join(', '), '을/를')} 멈췄습니다(${why}).` }),
    );
  return days;
}

/** DE_LAB_TIMING=1 prints where start's time goes (module loading, preflight, compose, readiness) to stderr. */
function timing(): (label: string) => void {
  if (process.env.DE_LAB_TIMING !== '1') return () => undefined;
  const origin = performance.timeOrigin;
  return (label) =>
    process.stderr.write(
      `[timing] ${(performance.timeOrigin + performance.now() - origin).toFixed(0).padStart(6)} ms  ${label}\n`,
    );
}

export async function startDay(
  ctx: Context,
  day: string,
  options: { yes?: boolean; timeout?: string },
): Promise<number> {
  // Loaded together: module loading dominates this command's own start-up time.
  const mark = timing();
  const [
    { findLab },
    { requireEngine },
    { requireCompose, checkPorts, checkMemory },
    { composeTarget },
    { startStack, READY },
    { runTasks },
  ] = await Promise.all([
    import('../../course/labs.js'),
    import('../../stack/engine.js'),
    import('../../stack/preflight.js'),
    import('../../stack/compose.js'),
    import('../../stack/start.js'),
    import('../../ui/tasks.js'),
    // The engine client is the largest module start loads: fetched in the same batch, not after it.
    import('dockerode'),
  ]);
  mark('modules');
  const yes = options.yes === true;
  const lab = findLab(day);
  const { docker } = await requireEngine();
  mark('engine');
  // One engine info for the memory checks, under way while the rest of preflight runs. Compose v2
  // is not checked up front (a process spawn on every start): a failing `compose up` checks it.
  const info = docker.info() as Promise<{ MemTotal?: number }>;
  info.catch(() => undefined);
  const stopped = await stopConflictingDays(ctx, docker, lab, yes, info);
  mark('other days');
  await ensureImages(ctx, lab);
  mark('images');
  // Mount the workspace the learner stands in (else the configured one); create the day's folder
  // first, or Docker would create it owned by root.
  const { findWorkspace } = await import('../../course/workspace.js');
  const found = findWorkspace(process.cwd(), ctx.config.values.workspace);
  const workspace = found?.root ?? ctx.config.values.workspace;
  const { mkdirSync } = await import('node:fs');
  mkdirSync(join(workspace, lab.id), { recursive: true });
  const { openDayFoldersForContainers } = await import('../../course/workspace.js');
  openDayFoldersForContainers(join(workspace, lab.id));
  const target = composeTarget(lab, { imagePrefix: ctx.config.values.imagePrefix, workspace });
  await Promise.all([checkPorts(docker, lab, target.project), checkMemory(docker, lab, info)]);
  mark('ports and memory');

  const controller = new AbortController();
  let interrupted = false;
  const onSignal = () => {
    interrupted = true;
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const { composeServices } = await import('../../stack/compose.js');
  const services = composeServices(lab.composeFile).map((s) => s.name);
  const waiters = new Map(
    services.map((name) => [name, { phase: 'pending' as Phase, at: 0, listeners: [] as Array<() => void> }]),
  );
  let result: StartResult | undefined;
  let failure: unknown;
  const run = (async () => {
    try {
      result = await startStack({
        lab,
        target,
        docker,
        signal: controller.signal,
        timeoutMs: options.timeout ? Number(options.timeout) * 1000 : undefined,
        onProgress: ({ service, phase, at }) => {
          const waiter = waiters.get(service);
          if (!waiter) return;
          waiter.phase = phase;
          waiter.at = at;
          waiter.listeners.splice(0).forEach((listener) => listener());
        },
      });
    } catch (error) {
      failure = error;
    } finally {
      for (const waiter of waiters.values()) waiter.listeners.splice(0).forEach((listener) => listener());
    }
  })();
  const tasks = services.map((service) => ({
    title: service,
    task: async (_c: object, task: { output: string; title: string }) => {
      const waiter = waiters.get(service)!;
      for (;;) {
        if (result || failure) break;
        if (READY.has(waiter.phase)) break;
        task.output = tr(phaseText[waiter.phase]);
        await new Promise<void>((resolve) => waiter.listeners.push(resolve));
      }
      if (result?.alreadyRunning) {
        task.title = `${service} ${style.dim(tr({ en: 'already ready', ko: '이미 준비됨' }))}`;
        return;
      }
      if (!READY.has(waiter.phase))
        throw new Error(tr(phaseText[waiter.phase === 'pending' ? 'failed' : waiter.phase]));
      task.title = `${service} ${style.dim(`${tr(phaseText[waiter.phase])} ${(waiter.at / 1000).toFixed(1)} s`)}`;
    },
  }));
  await runTasks(tasks, { json: ctx.json, concurrent: true, exitOnError: false }).catch(() => undefined);
  await run;
  process.removeListener('SIGINT', onSignal);
  process.removeListener('SIGTERM', onSignal);
  if (interrupted) {
    const { stopDay } = await import('../../stack/stop.js');
    ctx.err(
      tr({
        en: `Interrupted: removing ${lab.id}'s half-started containers (volumes are kept)…`,
        ko: `중단됨: ${lab.id}의 시작하다 만 컨테이너를 지웁니다(볼륨은 유지)…`,
      }),
    );
    await stopDay({ labId: lab.id, purge: false }).catch((error: unknown) => ctx.err(errorMessage(error)));
    return 130;
  }
  mark('ready');
  if (failure) {
    // A compose failure may be no Compose v2 at all: that check says so in one sentence.
    if ((failure as { code?: string }).code === 'E_COMPOSE') await requireCompose();
    throw failure;
  }
  ctx.emit(
    {
      lab: lab.id,
      project: result!.project,
      alreadyRunning: result!.alreadyRunning,
      seconds: result!.seconds,
      stoppedDays: stopped,
      services: result!.services,
      ports: lab.ports,
    },
    () => endpointCard(lab, result!, { root: workspace, found: found !== undefined }),
  );
  return 0;
}

export function register(program: Command): void {
  program
    .command('start <day>')
    .description("Start a day's stack: preflight, images, then every service until it is ready")
    .option(
      '-y, --yes',
      'do not ask: stop another running day that conflicts (shares a host port, or memory does not fit)',
    )
    .addOption(
      new Option('--timeout <seconds>', 'give up when the stack is not ready after this many seconds')
        .default('600')
        .argParser(wholeNumber(1)),
    )
    .addHelpText('after', example(['de-lab start day1', 'de-lab start 4 --yes', 'de-lab start day1 --json']))
    .action(action((ctx, day: string, options: { yes?: boolean; timeout?: string }) => startDay(ctx, day, options)));
}
