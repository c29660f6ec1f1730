import { randomBytes } from 'node:crypto';
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import type Dockerode from 'dockerode';
import { matchText, short, type Verdict } from '../compare.js';
import { readImageFile, runLimited } from '../../stack/sandbox/containers.js';
import { LOG_CONFIG } from '../../stack/sandbox/limits.js';
import { logTail, PROJECT_LABEL, SERVICE_LABEL } from '../../stack/project.js';
import type { Check } from '../schema.js';
import { allOf, field, type CheckKind } from './types.js';

type ImageCheck = Extract<Check, { kind: 'docker-image' }>;
type ContainerCheck = Extract<Check, { kind: 'docker-container' }>;

/** USER as the engine reads it: no user, `root`, or uid 0 in any spelling (`0`, `000`, `0:10001`). */
export function isRoot(user: string): boolean {
  const name = user.split(':')[0]!.trim();
  return name === '' || name === 'root' || /^0+$/.test(name);
}

/** The first line where two texts differ, as one expected/found example (ends of lines and of the text trimmed). */
export function firstDifference(expected: string, found: string, what: string): Verdict {
  const want = expected
    .trimEnd()
    .split('\n')
    .map((l) => l.trimEnd());
  const got = found
    .trimEnd()
    .split('\n')
    .map((l) => l.trimEnd());
  const at = want.findIndex((line, i) => got[i] !== line);
  const line = at === -1 ? (got.length > want.length ? want.length : -1) : at;
  if (line === -1)
    return { ok: true, expected: `${what} (${want.length} lines)`, found: `the same ${want.length} lines` };
  const sizes = want.length === got.length ? '' : ` (${want.length} lines expected, ${got.length} found)`;
  return {
    ok: false,
    expected: `${what}; line ${line + 1}: ${line < want.length ? short(want[line], 200) : '(no more lines)'}`,
    found: `line ${line + 1}: ${line < got.length ? short(got[line], 200) : '(no more lines)'}${sizes}`,
  };
}

/** Input for a run, from a file of the graded folder (written there by a step), never from outside it. */
function readGradedFile(workdir: string, file: string): string {
  const path = join(workdir, file);
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    throw new Error(`${file} is missing from the graded folder (the step that writes it did not run)`);
  }
  const rel = relative(realpathSync(workdir), real);
  if (rel.startsWith('..') || isAbsolute(rel)) throw new Error(`${file} leads outside the graded folder`);
  if (statSync(real).size > 16 * 1024 * 1024) throw new Error(`${file} is larger than 16 MiB`);
  return readFileSync(real, 'utf8');
}

export const dockerImageKind: CheckKind<ImageCheck> = {
  needsReference: (check) => check.run?.stdout === 'reference',
  async observe(ctx, check) {
    const info = await ctx.docker
      .getImage(check.image)
      .inspect()
      .catch(() => undefined);
    if (!info) return { exists: false };
    let baseLayers: string[] | undefined;
    if (check.expect.baseImage)
      baseLayers = (
        await ctx.docker
          .getImage(check.expect.baseImage)
          .inspect()
          .catch(() => undefined)
      )?.RootFS?.Layers;
    // A USER with another name can still be uid 0 (`useradd --non-unique --uid 0 admin`): look the
    // name up in the image's /etc/passwd, which is what the runtime resolves it with. Read from the
    // image, not asked of a program in it (a learner's `id` could print anything).
    let uid: string | undefined;
    const user = info.Config.User ?? '';
    const name = user.split(':')[0]!.trim();
    if (check.expect.user === 'non-root' && !isRoot(user) && !/^\d+$/.test(name)) {
      // Fail closed: a /etc/passwd that cannot be read (missing, a link loop, over 1 MiB) proves nothing.
      const passwd = await readImageFile(ctx.docker, check.image, '/etc/passwd');
      uid =
        passwd === undefined
          ? 'unreadable'
          : (passwd
              .split('\n')
              .find((line) => line.split(':')[0] === name)
              ?.split(':')[2] ?? 'unknown');
    }
    let run;
    if (check.run) {
      const stdin =
        check.run.stdinFile !== undefined ? readGradedFile(ctx.workdir, check.run.stdinFile) : check.run.stdin;
      run = await runLimited({
        docker: ctx.docker,
        image: check.image,
        command: check.run.args.length ? check.run.args : undefined,
        stdin,
        limits: { ...ctx.limits, timeoutMs: check.timeoutSec * 1000 },
      });
    }
    return {
      exists: true,
      user,
      uid,
      entrypoint: info.Config.Entrypoint ?? null,
      cmd: info.Config.Cmd ?? null,
      exposedPorts: Object.keys(info.Config.ExposedPorts ?? {}).sort(),
      sizeMB: Math.round((info.Size / 1e6) * 10) / 10,
      env: Object.fromEntries(
        (info.Config.Env ?? []).map((pair: string) => [pair.split('=')[0], pair.split('=').slice(1).join('=')]),
      ),
      workdir: info.Config.WorkingDir ?? '',
      layers: info.RootFS?.Layers ?? [],
      baseLayers,
      run,
    };
  },
  judge(check, o, reference) {
    const want = check.expect.exists ?? true;
    if (!o.exists)
      return { ok: !want, expected: want ? `image ${check.image}` : `no image ${check.image}`, found: 'no such image' };
    const e = check.expect;
    const verdicts: Verdict[] = [];
    if (e.user === 'non-root')
      verdicts.push({
        // uid: the USER's uid in the image's /etc/passwd ('unknown': not in it; 'unreadable': fail closed; undefined: a numeric USER, not looked up).
        ok: !isRoot(o.user) && o.uid !== '0' && o.uid !== 'unknown' && o.uid !== 'unreadable',
        expected: 'a non-root USER',
        found:
          o.user === ''
            ? 'no USER (runs as root)'
            : o.uid === '0'
              ? `USER ${o.user}, which is uid 0: root under another name`
              : o.uid === 'unknown'
                ? `USER ${o.user}, which the image's /etc/passwd does not name`
                : o.uid === 'unreadable'
                  ? `USER ${o.user}, but the image's /etc/passwd could not be read (missing, a link, or over 1 MiB), so its uid is unknown`
                  : `USER ${o.user}`,
      });
    else if (e.user !== undefined) verdicts.push(field('USER', e.user, o.user));
    if (e.entrypoint) verdicts.push(field('ENTRYPOINT', e.entrypoint, o.entrypoint));
    if (e.cmd) verdicts.push(field('CMD', e.cmd, o.cmd));
    if (e.exposedPorts) verdicts.push(field('EXPOSE', [...e.exposedPorts].sort(), o.exposedPorts));
    if (e.maxSizeMB !== undefined)
      verdicts.push({ ok: o.sizeMB <= e.maxSizeMB, expected: `size ≤ ${e.maxSizeMB} MB`, found: `${o.sizeMB} MB` });
    if (e.workdir !== undefined) verdicts.push(field('WORKDIR', e.workdir, o.workdir));
    for (const [name, value] of Object.entries(e.env ?? {})) verdicts.push(field(`ENV ${name}`, value, o.env[name]));
    if (e.baseImage) {
      const base: string[] | undefined = o.baseLayers;
      verdicts.push({
        ok: Boolean(base && base.every((layer: string, i: number) => o.layers[i] === layer)),
        expected: `built FROM ${e.baseImage}`,
        found: base ? 'another base' : `${e.baseImage} is not on this engine`,
      });
      if (verdicts[verdicts.length - 1]!.ok) verdicts[verdicts.length - 1]!.found = `FROM ${e.baseImage}`;
    }
    if (check.run) {
      if (o.run.timedOut)
        verdicts.push({
          ok: false,
          expected: `the container finishes within ${check.timeoutSec} s`,
          found: 'timed out',
        });
      else {
        const exit = field('exit code', check.run.exitCode, o.run.exitCode);
        verdicts.push(
          exit.ok
            ? exit
            : {
                ...exit,
                found: `${exit.found}; output: ${String(o.run.stderr || o.run.stdout)
                  .trim()
                  .slice(-200)}`,
              },
        );
        if (check.run.stdout === 'reference') {
          const expected = reference?.run?.stdout;
          verdicts.push(
            typeof expected === 'string'
              ? firstDifference(expected, o.run.stdout, "the reference solution's output on the same input")
              : {
                  ok: false,
                  expected: "the reference solution's output",
                  found: 'no reference observation (run the reference first)',
                },
          );
        } else if (check.run.stdout) verdicts.push(matchText(o.run.stdout, check.run.stdout));
      }
    }
    return allOf(verdicts);
  },
};

export type FaultKind = 'freeze' | 'refuse-connections' | 'stop';
type FaultSpec = { service?: string; process: string[]; faults: FaultKind[]; withinSec: number };

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

async function serviceContainer(docker: Dockerode, project: string, service: string): Promise<string | undefined> {
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
async function healthUnderFault(
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

async function untilEnded(docker: Dockerode, id: string, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    const status = (await docker.getContainer(id).inspect()).State.Status;
    if (!['created', 'running', 'restarting'].includes(status)) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Container ports with a host binding, e.g. ["3306/tcp"]. */
function publishedPorts(
  bindings: Record<string, Array<{ HostIp?: string; HostPort?: string }> | null> | undefined,
): string[] {
  return Object.entries(bindings ?? {})
    .filter(([, hosts]) => Array.isArray(hosts) && hosts.length > 0)
    .map(([port]) => port)
    .sort();
}

export const dockerContainerKind: CheckKind<ContainerCheck> = {
  needsReference: (check) => check.expect.logs === 'reference',
  /**
   * Waiting cannot help when what is wrong is fixed at creation (memory or pids limit, mounts,
   * networks, environment) or the container has ended while it should run: fail at once.
   */
  settled(check, o) {
    if (!o?.exists) return false;
    const e = check.expect;
    const differs = (a: unknown, b: unknown) => a !== undefined && JSON.stringify(a) !== JSON.stringify(b);
    if (differs(e.memoryLimitBytes, o.memoryLimitBytes) || differs(e.pidsLimit, o.pidsLimit)) return true;
    if (Object.entries(e.env ?? {}).some(([name, value]) => o.env?.[name] !== value)) return true;
    const ended = o.state === 'exited' || o.state === 'dead';
    return ended && (e.state === 'running' || e.health !== undefined);
  },
  async observe(ctx, check) {
    let id: string | undefined;
    let project = check.project;
    if (check.container)
      id = (
        await ctx.docker
          .getContainer(check.container)
          .inspect()
          .catch(() => undefined)
      )?.Id;
    else {
      project = check.project ?? ctx.dayProject;
      id = await serviceContainer(ctx.docker, project, check.service ?? '');
    }
    if (!id) return { exists: false };
    // The log of a job is only complete once it ended (a reference run records it at the first look).
    if (check.expect.logs !== undefined && check.expect.state === 'exited')
      await untilEnded(ctx.docker, id, (check.timeoutSec - 5) * 1000);
    const info = await ctx.docker.getContainer(id).inspect();
    project = project ?? info.Config.Labels?.[PROJECT_LABEL] ?? ctx.dayProject;
    const after: Record<string, { startedAt: string; health?: string; dependsLabel: string }> = {};
    for (const dependency of check.expect.startedAfterHealthy ?? []) {
      const depId = await serviceContainer(ctx.docker, project, dependency);
      const dep = depId ? await ctx.docker.getContainer(depId).inspect() : undefined;
      after[dependency] = {
        startedAt: dep?.State.StartedAt ?? '',
        health: dep?.State.Health?.Status,
        dependsLabel: info.Config.Labels?.['com.docker.compose.depends_on'] ?? '',
      };
    }
    const logs = check.expect.logs !== undefined ? (await logTail(ctx.docker, id, 200)).join('\n') : undefined;
    // Last: it makes a fault and undoes it.
    const underFault = check.expect.unhealthyUnderFault
      ? await healthUnderFault(ctx, check, id, project, check.expect.unhealthyUnderFault)
      : undefined;
    return {
      exists: true,
      state: info.State.Status,
      health: info.State.Health?.Status,
      exitCode: info.State.ExitCode,
      oomKilled: info.State.OOMKilled,
      startedAt: info.State.StartedAt,
      restartCount: info.RestartCount ?? 0,
      memoryLimitBytes: info.HostConfig.Memory,
      pidsLimit: info.HostConfig.PidsLimit ?? 0,
      publishedPorts: publishedPorts(info.HostConfig.PortBindings),
      mounts: (info.Mounts ?? []).map((m: any) => ({ type: m.Type, destination: m.Destination, name: m.Name })),
      networks: Object.keys(info.NetworkSettings?.Networks ?? {}).sort(),
      env: Object.fromEntries(
        (info.Config.Env ?? []).map((pair: string) => [pair.split('=')[0], pair.split('=').slice(1).join('=')]),
      ),
      after,
      logs,
      underFault,
    };
  },
  judge(check, o, reference) {
    const want = check.expect.exists ?? true;
    const what = check.container ?? `${check.service} of ${check.project ?? 'the day'}`;
    if (!o.exists)
      return { ok: !want, expected: want ? `a container for ${what}` : `no container for ${what}`, found: 'none' };
    const e = check.expect;
    const verdicts: Verdict[] = [];
    if (e.state) verdicts.push(field('state', e.state, o.state));
    if (e.health) verdicts.push(field('health', e.health, o.health ?? 'no healthcheck'));
    if (e.exitCode !== undefined) verdicts.push(field('exit code', e.exitCode, o.exitCode));
    if (e.oomKilled !== undefined) verdicts.push(field('OOMKilled', e.oomKilled, o.oomKilled));
    if (e.memoryLimitBytes !== undefined)
      verdicts.push(field('memory limit (bytes)', e.memoryLimitBytes, o.memoryLimitBytes));
    if (e.pidsLimit !== undefined) verdicts.push(field('pids limit', e.pidsLimit, o.pidsLimit));
    if (e.restartCount !== undefined) {
      const v = field('restarts', e.restartCount, o.restartCount);
      verdicts.push(v.ok ? v : { ...v, found: `${v.found}: it failed and a restart policy started it again` });
    }
    if (e.publishedPorts !== undefined) {
      const expected = [...e.publishedPorts].sort();
      const found: string[] = o.publishedPorts ?? [];
      verdicts.push({
        ok: JSON.stringify(expected) === JSON.stringify(found),
        expected: expected.length ? `published ports ${expected.join(', ')}` : 'no published ports',
        found: found.length ? `published ports ${found.join(', ')}` : 'no published ports',
      });
    }
    for (const mount of e.mounts ?? []) {
      const found = o.mounts.find((m: { destination: string }) => m.destination === mount.destination);
      const ok = Boolean(found && found.type === mount.type && (mount.name === undefined || found.name === mount.name));
      verdicts.push({
        ok,
        expected: `a ${mount.type} mount at ${mount.destination}${mount.name ? ` named ${mount.name}` : ''}`,
        found: found
          ? `${found.type}${found.name ? ` ${found.name}` : ''} at ${found.destination}`
          : `nothing mounted at ${mount.destination}`,
      });
    }
    for (const network of e.networks ?? [])
      verdicts.push({
        ok: o.networks.includes(network),
        expected: `on network ${network}`,
        found: `networks ${o.networks.join(', ') || 'none'}`,
      });
    for (const [name, value] of Object.entries(e.env ?? {})) verdicts.push(field(`env ${name}`, value, o.env[name]));
    for (const [dependency, dep] of Object.entries(
      o.after as Record<string, { startedAt: string; health?: string; dependsLabel: string }>,
    )) {
      const conditioned = new RegExp(`(^|,)${dependency}:service_healthy`).test(dep.dependsLabel);
      const later = dep.startedAt !== '' && Date.parse(o.startedAt) >= Date.parse(dep.startedAt);
      verdicts.push({
        ok: conditioned && later && dep.health === 'healthy',
        expected: `started after ${dependency} was healthy (depends_on condition: service_healthy)`,
        found: !conditioned
          ? `depends_on ${dependency} without condition service_healthy`
          : dep.health !== 'healthy'
            ? `${dependency} is ${dep.health ?? 'without healthcheck'}`
            : later
              ? 'it did'
              : `started before ${dependency}`,
      });
    }
    if (e.logs === 'reference') {
      const expected = reference?.logs;
      verdicts.push(
        typeof expected === 'string'
          ? firstDifference(expected, o.logs ?? '', "the reference solution's log for the same seed")
          : {
              ok: false,
              expected: "the reference solution's log",
              found: 'no reference observation (run the reference first)',
            },
      );
    } else if (e.logs) verdicts.push(matchText(o.logs ?? '', e.logs));
    if (e.unhealthyUnderFault) verdicts.push(judgeUnderFault(e.unhealthyUnderFault, o.underFault));
    return allOf(verdicts);
  },
};

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
