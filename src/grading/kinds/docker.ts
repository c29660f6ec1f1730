import { readFileSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { matchText, short, type Verdict } from '../compare.js';
import { readImageFile, runLimited } from '../../stack/sandbox/containers.js';
import { logTail, PROJECT_LABEL } from '../../stack/project.js';
import type { Check } from '../schema.js';
import { allOf, field, type CheckKind } from './types.js';
import { healthUnderFault, judgeUnderFault, serviceContainer, untilEnded } from './faults.js';

export { judgeUnderFault, pickFault, unhealthyAt, makeFault, type FaultKind, type HealthProbe } from './faults.js';

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
