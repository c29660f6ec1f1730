import { randomBytes } from 'node:crypto';
import type Dockerode from 'dockerode';
import { short, type Verdict } from '../compare.js';
import type { Check } from '../schema.js';

type ContainerCheck = Extract<Check, { kind: 'docker-container' }>;
import { LOG_CONFIG } from '../../stack/sandbox/limits.js';
import { PROJECT_LABEL, SERVICE_LABEL } from '../../stack/project.js';

/**
 * Faults a `docker-container` check injects to see a healthcheck notice them (unhealthyUnderFault):
 * chosen by the seed, aimed at the service's own server process (never PID 1, which may be an
 * init), made from throwaway containers of the tools image, undone in every case, and timed from
 * the engine's own health log.
 */
export type FaultKind = 'freeze' | 'refuse-connections' | 'stop';
export type FaultSpec = { service?: string; process: string[]; faults: FaultKind[]; withinSec: number };

/**
 * The fault a seed picks for a check (FNV-1a of seed and check id): the same for the reference and
 * the learner, so a healthcheck cannot be written for the one fault it will meet.
 */
export function pickFault(seed: number, checkId: string, faults: readonly FaultKind[]): FaultKind {
  let hash = 2166136261;
  for (const char of `${seed}/${checkId}`) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619) >>> 0;
  return faults[hash % faults.length]!;
}

/** What `unhealthyUnderFault` saw: health before, the fault, and health after it. */
export interface HealthProbe {
  fault: FaultKind;
  /** The service whose server got the fault. */
  service: string;
  before?: string;
  /** Health status when the watch ended (set once the fault was made). */
  after?: string;
  /** From the moment the fault took effect to the end of the engine's probe that made it unhealthy. */
  seconds?: number;
  /** How long the grader watched after the fault. */
  watchedSec?: number;
  state?: string;
  /** What showed that the fault took effect. */
  evidence?: string;
  /** Why no fault could be made, for a reason of the learner's file (no server process, no root password). */
  error?: string;
}

interface EngineHealth {
  Status?: string;
  FailingStreak?: number;
  Log?: Array<{ Start?: string; End?: string; ExitCode?: number }>;
}

/**
 * When the engine's health turned unhealthy, from its own log (not from when the grader looked):
 * the end of the `retries`-th failing probe of the current failing streak. Undefined unless unhealthy.
 */
export function unhealthyAt(health: EngineHealth | undefined, retries: number): number | undefined {
  if (health?.Status !== 'unhealthy') return undefined;
  const log = health.Log ?? [];
  const streak = health.FailingStreak ?? 0;
  if (log.length === 0) return undefined;
  const index = Math.min(log.length - 1, Math.max(0, log.length - streak + Math.max(1, retries) - 1));
  const end = Date.parse(log[index]?.End ?? '');
  return Number.isNaN(end) ? undefined : end;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function serviceContainer(
  docker: Dockerode,
  project: string,
  service: string,
): Promise<string | undefined> {
  const list = await docker.listContainers({
    all: true,
    filters: { label: [`${PROJECT_LABEL}=${project}`, `${SERVICE_LABEL}=${service}`] },
  });
  return list[0]?.Id;
}

/** The container's processes named one of `names` (exact comm), from the engine's `top` (host pids). */
async function serverProcesses(
  docker: Dockerode,
  id: string,
  names: string[],
): Promise<Array<{ pid: string; stat: string; comm: string }>> {
  const top = (await docker.getContainer(id).top({ ps_args: '-eo pid,stat,comm' })) as {
    Titles?: string[];
    Processes?: string[][];
  };
  const at = (title: string) => (top.Titles ?? []).findIndex((t) => t.toUpperCase().startsWith(title));
  const [pid, stat, comm] = [at('PID'), at('STAT'), at('COMM')];
  return (top.Processes ?? [])
    .map((row) => ({ pid: row[pid] ?? '', stat: row[stat] ?? '', comm: (row[comm] ?? '').trim() }))
    .filter((p) => names.includes(p.comm));
}

/**
 * A short-lived judge container of de-lab's tools image that joins the target's PID or network
 * namespace (never a learner image, nothing of the learner's mounted): it only sends signals or
 * talks to the server. Returns its output (tty: one stream).
 */
async function judgeContainer(
  ctx: { docker: Dockerode; prefix: string },
  input: { script: string; env: string[]; pidOf?: string; netOf?: string; capAdd?: string[] },
): Promise<Dockerode.Container> {
  return ctx.docker.createContainer({
    Image: `${ctx.prefix}/tools:1.0`,
    Entrypoint: ['sh', '-c', input.script],
    Cmd: [],
    Env: input.env,
    Tty: true,
    User: '0',
    Labels: { 'de-lab.managed': 'true', 'de-lab.purpose': 'grading' },
    HostConfig: {
      Memory: 128 * 1024 * 1024,
      MemorySwap: 128 * 1024 * 1024,
      PidsLimit: 64,
      LogConfig: LOG_CONFIG,
      Privileged: false,
      CapDrop: ['ALL'],
      CapAdd: input.capAdd ?? [],
      SecurityOpt: ['no-new-privileges'],
      NetworkMode: input.netOf ? `container:${input.netOf}` : 'none',
      PidMode: input.pidOf ? `container:${input.pidOf}` : undefined,
    },
  });
}

async function outputOf(container: Dockerode.Container): Promise<string> {
  const buffer = (await container.logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer;
  return Buffer.isBuffer(buffer) ? buffer.toString('utf8') : String(buffer);
}

async function runJudge(
  ctx: { docker: Dockerode; prefix: string },
  input: Parameters<typeof judgeContainer>[1],
  timeoutMs = 30_000,
): Promise<{ exitCode: number; output: string }> {
  const container = await judgeContainer(ctx, input);
  try {
    await container.start();
    const timer = setTimeout(() => void container.kill().catch(() => undefined), timeoutMs);
    const status = (await container.wait()) as { StatusCode: number };
    clearTimeout(timer);
    return { exitCode: status.StatusCode, output: await outputOf(container) };
  } finally {
    await container.remove({ force: true }).catch(() => undefined);
  }
}

/**
 * Signals every process of the container's PID namespace whose comm is one of $NAMES, except its
 * PID 1, which ignores signals sent from inside its namespace (the engine signals that one).
 * Prints "SIGNALLED <count> <1 if PID 1 is one of them>".
 */
const SIGNAL_SCRIPT = `n=0; one=0
for d in /proc/[0-9]*; do
  c=$(cat "$d/comm" 2>/dev/null) || continue
  pid=\${d#/proc/}
  for want in $NAMES; do
    [ "$c" = "$want" ] || continue
    if [ "$pid" = 1 ]; then one=1; elif kill -"$SIG" "$pid" 2>/dev/null; then n=$((n+1)); fi
  done
done
echo "SIGNALLED $n $one"`;

const MARIADB_LOGIN = `q() { MYSQL_PWD="$1" mariadb --no-defaults --protocol=tcp -h 127.0.0.1 -P 3306 -u "$2" --connect-timeout=5 -N -B -e "$3"; }`;

/**
 * Fills MariaDB's connections from its own network namespace: max_connections lowered to 10 and
 * held by sleeping logins of a grader account, until a new login is refused (ERROR 1040). Six
 * more than the 10 keep trying, so a login that drops is replaced within a second.
 */
const REFUSE_SCRIPT = `${MARIADB_LOGIN}
old=$(q "$ROOT_PW" root "SELECT @@GLOBAL.max_connections" 2>&1) || { echo "FAULT-FAILED root cannot log in: $old" | head -c 300; echo; exit 0; }
q "$ROOT_PW" root "CREATE OR REPLACE USER de_lab_fault@'%' IDENTIFIED BY '$FILL_PW'; SET GLOBAL max_connections = 10" || { echo "FAULT-FAILED root cannot set max_connections"; exit 0; }
echo "OLD $old"
hold() { while :; do MYSQL_PWD="$FILL_PW" mariadb --no-defaults --protocol=tcp -h 127.0.0.1 -P 3306 -u de_lab_fault --connect-timeout=30 -e "SELECT SLEEP(3600)" >/dev/null 2>&1; sleep 1; done; }
i=0; while [ $i -lt 16 ]; do hold & i=$((i+1)); done
t=0
while [ $t -lt 40 ]; do
  out=$(q "$FILL_PW" de_lab_fault "SELECT 1" 2>&1)
  case "$out" in *1040*) echo "REFUSED $(date +%s.%N)"; break ;; esac
  sleep 0.5; t=$((t+1))
done
[ $t -lt 40 ] || echo "NOT-REFUSED last answer: $out" | head -c 300
wait`;

const UNDO_REFUSE_SCRIPT = `${MARIADB_LOGIN}
q "$ROOT_PW" root "SET GLOBAL max_connections = $OLD"
for id in $(q "$ROOT_PW" root "SELECT id FROM information_schema.processlist WHERE user = 'de_lab_fault'"); do q "$ROOT_PW" root "KILL $id" 2>/dev/null; done
q "$ROOT_PW" root "DROP USER IF EXISTS de_lab_fault@'%'"`;

interface MadeFault {
  /** Engine-clock ms at which the fault took effect. */
  at: number;
  evidence: string;
  undo: () => Promise<void>;
}

export async function makeFault(
  ctx: { docker: Dockerode; prefix: string },
  fault: FaultKind,
  serverId: string,
  spec: FaultSpec,
  service: string,
): Promise<MadeFault | { error: string }> {
  const docker = ctx.docker;
  const server = docker.getContainer(serverId);
  if (fault === 'stop') {
    await server.stop({ t: 10 });
    const finished = Date.parse((await server.inspect()).State.FinishedAt ?? '');
    return {
      at: Number.isNaN(finished) ? Date.now() : finished,
      evidence: `${service} stopped`,
      undo: () => server.start(),
    };
  }
  const processes = await serverProcesses(docker, serverId, spec.process);
  if (processes.length === 0)
    return {
      error: `no process named ${spec.process.join(' or ')} in ${service}'s process list (engine top): there is no server to make the fault on`,
    };
  if (fault === 'freeze') {
    const signal = async (sig: 'STOP' | 'CONT') => {
      const run = await runJudge(ctx, {
        script: SIGNAL_SCRIPT,
        env: [`NAMES=${spec.process.join(' ')}`, `SIG=${sig}`],
        pidOf: serverId,
        capAdd: ['KILL'],
      });
      const [, count, one] = /SIGNALLED (\d+) (\d)/.exec(run.output) ?? [];
      if (one === '1') await server.kill({ signal: `SIG${sig}` });
      return { run, count: Number(count ?? 0) + Number(one ?? 0), ok: run.exitCode === 0 && count !== undefined };
    };
    const undo = async () => void (await signal('CONT'));
    const made = await signal('STOP').catch(async (error: Error) => {
      await undo().catch(() => undefined);
      throw error;
    });
    const at = Date.now();
    if (!made.ok || made.count === 0) {
      await undo().catch(() => undefined);
      throw new Error(
        `could not freeze ${spec.process.join('/')} in ${service}: ${short(made.run.output.trim(), 200)}`,
      );
    }
    const frozen = (await serverProcesses(docker, serverId, spec.process)).filter((p) => p.stat.startsWith('T'));
    if (frozen.length === 0) {
      await undo().catch(() => undefined);
      throw new Error(`${spec.process.join('/')} in ${service} is not in state T after SIGSTOP`);
    }
    return { at, evidence: `${frozen.map((p) => p.comm).join(', ')} frozen (state T)`, undo };
  }
  // refuse-connections (MariaDB)
  const env: string[] = (await server.inspect()).Config.Env ?? [];
  const rootPassword = ['MARIADB_ROOT_PASSWORD=', 'MYSQL_ROOT_PASSWORD=']
    .map((name) => env.find((pair) => pair.startsWith(name))?.slice(name.length))
    .find((value) => value);
  if (!rootPassword)
    return {
      error: `${service} has no MARIADB_ROOT_PASSWORD in its environment: the grader needs root to fill its connections`,
    };
  const auth = [`ROOT_PW=${rootPassword}`, `FILL_PW=${randomBytes(12).toString('hex')}`];
  const filler = await judgeContainer(ctx, { script: REFUSE_SCRIPT, env: auth, netOf: serverId });
  const removeFiller = () =>
    filler.remove({ force: true }).then(
      () => undefined,
      () => undefined,
    );
  let output = '';
  try {
    await filler.start();
    const deadline = Date.now() + 45_000;
    while (Date.now() < deadline && !/REFUSED|FAULT-FAILED/.test(output)) {
      await pause(500);
      output = await outputOf(filler);
    }
  } catch (error) {
    await removeFiller();
    throw error;
  }
  const old = /OLD (\d+)/.exec(output)?.[1];
  // The filler goes first (its logins would come back), then root restores the limit and ends what is left.
  const undo = async () => {
    await removeFiller();
    if (old) await runJudge(ctx, { script: UNDO_REFUSE_SCRIPT, env: [...auth, `OLD=${old}`], netOf: serverId });
  };
  const refused = /REFUSED (\d+(?:\.\d+)?)/.exec(output);
  if (!refused) {
    await undo().catch(() => undefined);
    const failed = /FAULT-FAILED ([^\r\n]*)/.exec(output)?.[1];
    // The file's own root password refused (ERROR 1045) is the learner's; anything else (a timeout
    // under load, a server that does not answer root) is the grader's own failure.
    if (failed && /\b1045\b/.test(failed))
      return { error: `could not make ${service} refuse connections: ${short(failed, 200)}` };
    throw new Error(`could not make ${service} refuse connections: ${short(output.trim(), 200) || 'no output'}`);
  }
  return {
    at: Math.round(Number(refused[1]) * 1000),
    evidence: 'new logins refused (ERROR 1040 Too many connections)',
    undo,
  };
}

/**
 * Waits (up to withinSec) for the target to be healthy, makes the fault the seed picked, watches
 * the target's health, then undoes the fault (always, even when the watch fails). How long the
 * healthcheck took comes from the engine's health log, counted from when the fault took effect.
 */
export async function healthUnderFault(
  ctx: { docker: Dockerode; prefix: string; seed: number },
  check: ContainerCheck,
  targetId: string,
  project: string,
  spec: FaultSpec,
): Promise<HealthProbe> {
  const docker = ctx.docker;
  const fault = pickFault(ctx.seed, check.id, spec.faults);
  const service = spec.service ?? check.service ?? 'itself';
  const target = docker.getContainer(targetId);
  const settle = Date.now() + spec.withinSec * 1000;
  // Healthy with no failing probe in a row: failures left over from a fault made just before
  // (another check's) must not count towards this one. Give the healthcheck time to recover.
  const health = async () => {
    const h: EngineHealth | undefined = (await target.inspect()).State.Health;
    return h?.Status === 'healthy' && (h.FailingStreak ?? 0) > 0 ? 'recovering' : h?.Status;
  };
  let before = await health();
  while (before !== undefined && before !== 'healthy' && Date.now() < settle) {
    await pause(1000);
    before = await health();
  }
  if (before === 'recovering') before = 'healthy';
  const probe: HealthProbe = { fault, service, before };
  if (before !== 'healthy') return probe;
  const serverId = spec.service ? await serviceContainer(docker, project, spec.service) : targetId;
  if (!serverId) return { ...probe, error: `no container for ${spec.service}` };
  const made = await makeFault(ctx, fault, serverId, spec, service);
  if ('error' in made) return { ...probe, error: made.error };
  probe.evidence = made.evidence;
  try {
    // Watched longer than withinSec: the verdict is the engine's time, not how soon the grader looked.
    const watchUntil = Date.now() + (spec.withinSec + 30) * 1000;
    for (;;) {
      const info = await target.inspect();
      probe.after = info.State.Health?.Status;
      probe.state = info.State.Status;
      probe.watchedSec = Math.round((Date.now() - made.at) / 100) / 10;
      const at = unhealthyAt(info.State.Health, info.Config.Healthcheck?.Retries || 3);
      if (probe.after === 'unhealthy') {
        probe.seconds = Math.max(0, Math.round(((at ?? Date.now()) - made.at) / 100) / 10);
        return probe;
      }
      if (Date.now() >= watchUntil || probe.state !== 'running') return probe;
      await pause(1000);
    }
  } finally {
    await made.undo().catch(() => undefined);
  }
}

export async function untilEnded(docker: Dockerode, id: string, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    const status = (await docker.getContainer(id).inspect()).State.Status;
    if (!['created', 'running', 'restarting'].includes(status)) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** The fault in words, for the verdict. */
function faultWords(probe: HealthProbe, spec: FaultSpec): string {
  const target = probe.service === 'itself' ? 'its' : `${probe.service}'s`;
  if (probe.fault === 'freeze') return `${target} server process (${spec.process.join('/')}) was frozen (SIGSTOP)`;
  if (probe.fault === 'refuse-connections')
    return `${probe.service === 'itself' ? 'it' : probe.service} refused new connections (max_connections full)`;
  return `${probe.service} stopped`;
}

export function judgeUnderFault(spec: FaultSpec, probe: HealthProbe | undefined): Verdict {
  const expected = `turns unhealthy within ${spec.withinSec} s when its server stops doing its job (a fault the seed picks: ${spec.faults.join(', ')})`;
  if (!probe) return { ok: false, expected, found: 'not observed' };
  if (probe.error) return { ok: false, expected, found: probe.error };
  if (probe.before === undefined) return { ok: false, expected, found: 'no healthcheck' };
  const what = faultWords(probe, spec);
  if (probe.before !== 'healthy')
    return { ok: false, expected, found: `it was ${probe.before}, not healthy, before the fault` };
  if (probe.after === 'unhealthy' && probe.seconds !== undefined && probe.seconds <= spec.withinSec)
    return { ok: true, expected, found: `unhealthy ${probe.seconds} s after ${what}` };
  if (probe.after === 'unhealthy')
    return {
      ok: false,
      expected,
      found: `unhealthy only ${probe.seconds} s after ${what} (engine health log): interval × retries (plus the timeouts of hung probes) is too long`,
    };
  return {
    ok: false,
    expected,
    found: `still ${probe.after ?? 'without health status'}${probe.state && probe.state !== 'running' ? ` (${probe.state})` : ''} ${probe.watchedSec ?? spec.withinSec} s after ${what}: the healthcheck does not test what the service needs, or interval × retries is too long`,
  };
}
