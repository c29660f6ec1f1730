import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import type Dockerode from 'dockerode';
import { endpointCard } from '../endpoint-card.js';
import { wholeNumber } from '../parse.js';
import { errorMessage, EXIT } from '../../core/errors.js';
import { tr } from '../../i18n/lang.js';
import { style } from '../../ui/style.js';
import type { Lab } from '../../course/labs.js';
import { action, type Context } from '../context.js';
import { example } from '../help.js';
import { untilSignal } from '../until-signal.js';

/** The engine side of a start, loaded together: module loading dominates this command's own start-up time. */
async function engineModules() {
  const [labs, engine, preflight, compose, start, workspace, otherDays, images, progress, stop, earlier, far] =
    await Promise.all([
      import('../../course/labs.js'),
      import('../../stack/engine.js'),
      import('../../stack/preflight.js'),
      import('../../stack/compose.js'),
      import('../../stack/start.js'),
      import('../../course/workspace.js'),
      import('../other-days.js'),
      import('../start-images.js'),
      import('../render/start-progress.js'),
      import('../../stack/stop.js'),
      import('../../stack/earlier-data.js'),
      import('../../stack/engines/mirror-compose.js'),
      // The engine client is the largest module start loads: fetched in the same batch, not after it.
      import('dockerode'),
    ]);
  return {
    findLab: labs.findLab,
    requireEngine: engine.requireEngine,
    requireCompose: preflight.requireCompose,
    checkPorts: preflight.checkPorts,
    checkMemory: preflight.checkMemory,
    composeTarget: compose.composeTarget,
    composeServices: compose.composeServices,
    startStack: start.startStack,
    findWorkspace: workspace.findWorkspace,
    openDayFolders: workspace.openDayFoldersForContainers,
    stopConflictingDays: otherDays.stopConflictingDays,
    ensureStartImages: images.ensureStartImages,
    startWithProgress: progress.startWithProgress,
    stopDay: stop.stopDay,
    findEarlierData: earlier.findEarlierData,
    earlierDataNotice: earlier.earlierDataNotice,
    emptyCommand: earlier.emptyCommand,
    targetForEngine: far.targetForEngine,
    remoteNote: far.remoteNote,
  };
}

const RESIDENT_NOTE = {
  en: "The graders' warm helper is starting in the background, so your first `de-lab check` does not wait for it.",
  ko: '채점기의 웜 도우미를 백그라운드에서 시작하고 있어서, 첫 `de-lab check`에서 기다리지 않아도 됩니다.',
};

/**
 * The graders' warm helper (day 4's Spark driver) comes up in the background while the learner
 * reads the card, so the first `check` does not wait for it. True when one was launched.
 */
async function launchHelper(docker: Dockerode, lab: Lab, project: string, fresh: boolean): Promise<boolean> {
  // Loaded here, not with the engine modules: its own imports are loaded by now.
  const { launchResident } = await import('../../stack/sandbox/resident.js');
  return launchResident(docker, lab, project, { fresh }).catch(() => false);
}

/** The parts that are there, a line each. */
const lines = (...parts: Array<string | false | undefined>): string => parts.filter(Boolean).join('\n');

/** DE_LAB_TIMING=1 prints where start's time goes (module loading, preflight, compose, readiness) to stderr. */
function timing(): (label: string) => void {
  if (process.env.DE_LAB_TIMING !== '1') return () => undefined;
  const origin = performance.timeOrigin;
  return (label) =>
    process.stderr.write(
      `[timing] ${(performance.timeOrigin + performance.now() - origin).toFixed(0).padStart(6)} ms  ${label}\n`,
    );
}

/** Removes a stack that Ctrl-C interrupted while it started; its volumes are kept. */
async function removeHalfStarted(ctx: Context, lab: Lab, stop: () => Promise<unknown>): Promise<number> {
  ctx.err(
    tr({
      en: `Interrupted: removing ${lab.id}'s half-started containers (volumes are kept)…`,
      ko: `중단됨: ${lab.id}의 시작하다 만 컨테이너를 지웁니다(볼륨은 유지)…`,
    }),
  );
  await stop().catch((error: unknown) => ctx.err(errorMessage(error)));
  return EXIT.interrupted;
}

export async function startDay(
  ctx: Context,
  day: string,
  options: { yes?: boolean; timeout?: number },
): Promise<number> {
  const mark = timing();
  const engine = await engineModules();
  mark('modules');
  const lab = engine.findLab(day);
  const { docker, endpoint } = await engine.requireEngine();
  mark('engine');
  // One engine info for the memory checks, under way while the rest of preflight runs. Compose v2
  // is not checked up front (a process spawn on every start): a failing `compose up` checks it.
  const info = docker.info() as Promise<{ MemTotal?: number }>;
  info.catch(() => undefined);
  const stopped = await engine.stopConflictingDays(ctx, docker, lab, options.yes === true, info);
  mark('other days');
  await engine.ensureStartImages(ctx, docker, lab);
  mark('images');
  // Mount the workspace the learner stands in (else the configured one); create the day's folder
  // first, or Docker would create it owned by root.
  const found = engine.findWorkspace(process.cwd(), ctx.config.values.workspace);
  const workspace = found?.root ?? ctx.config.values.workspace;
  mkdirSync(join(workspace, lab.id), { recursive: true });
  engine.openDayFolders(join(workspace, lab.id));
  // An engine on another machine mounts its own copy of the stack's folders (engines/mirror.ts).
  const base = engine.composeTarget(lab, { imagePrefix: ctx.config.values.imagePrefix, workspace });
  const target = await engine.targetForEngine(docker, endpoint.host, base, workspace, lab.id);
  await Promise.all([engine.checkPorts(docker, lab, target.project), engine.checkMemory(docker, lab, info)]);
  mark('ports and memory');
  const services = engine.composeServices(lab.composeFile).map((s) => s.name);
  const timeoutMs = options.timeout !== undefined ? options.timeout * 1000 : undefined;
  const { value, interrupted } = await untilSignal((signal) =>
    engine.startWithProgress(services, ctx.json, (onProgress) =>
      engine.startStack({ lab, target, docker, signal, timeoutMs, onProgress }),
    ),
  );
  const { result, failure } = value;
  if (interrupted) return removeHalfStarted(ctx, lab, () => engine.stopDay(docker, { labId: lab.id, purge: false }));
  mark('ready');
  if (failure) {
    // A compose failure may be no Compose v2 at all: that check says so in one sentence.
    if ((failure as { code?: string }).code === 'E_COMPOSE') await engine.requireCompose();
    throw failure;
  }
  // What the stack's volumes already hold (a new workspace would run on it), and how to empty it.
  const earlier = await engine.findEarlierData(docker, lab, result!.project);
  mark('earlier data');
  const notice = engine.earlierDataNotice(lab.id, earlier);
  const resident = await launchHelper(docker, lab, result!.project, !result!.alreadyRunning);
  const remote = engine.remoteNote(endpoint.host, lab); // on another machine: where its ports are
  ctx.emit(
    {
      lab: lab.id,
      project: result!.project,
      alreadyRunning: result!.alreadyRunning,
      seconds: result!.seconds,
      stoppedDays: stopped,
      services: result!.services,
      ports: lab.ports,
      earlierData: earlier.map((d) => ({ what: d.what.en, count: d.names.length, names: d.names })),
      residentStarting: resident,
      ...(earlier.length ? { emptyWith: engine.emptyCommand(lab.id) } : {}),
      ...(remote ? { engine: { host: remote.host, tunnel: remote.tunnel } } : {}),
    },
    () =>
      lines(
        endpointCard(lab, result!, { root: workspace, found: found !== undefined }),
        resident && style.dim(tr(RESIDENT_NOTE)),
        notice && style.warn(notice),
        remote && style.warn(tr(remote.text)),
      ),
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
      new Option('--timeout <seconds>', 'give up when the stack is not ready after this many seconds, 1 to 7200')
        .default(600)
        .argParser(wholeNumber(1, 7200, 600)),
    )
    .addHelpText('after', example(['de-lab start day1', 'de-lab start 4 --yes', 'de-lab start day5 --context lab-vm']))
    .action(action((ctx, day: string, options: { yes?: boolean; timeout?: number }) => startDay(ctx, day, options)));
}
