import { matchText, type Verdict } from '../compare.js';
import { runLimited } from '../../stack/sandbox/containers.js';
import { PROJECT_LABEL, SERVICE_LABEL } from '../../stack/project.js';
import type { Check } from '../schema.js';
import { allOf, field, type CheckKind } from './types.js';

type ImageCheck = Extract<Check, { kind: 'docker-image' }>;
type ContainerCheck = Extract<Check, { kind: 'docker-container' }>;

const isRoot = (user: string) => user === '' || user === 'root' || user === '0' || user.startsWith('0:') || user.startsWith('root:');

export const dockerImageKind: CheckKind<ImageCheck> = {
  needsReference: () => false,
  async observe(ctx, check) {
    const info = await ctx.docker.getImage(check.image).inspect().catch(() => undefined);
    if (!info) return { exists: false };
    let baseLayers: string[] | undefined;
    if (check.expect.baseImage) baseLayers = (await ctx.docker.getImage(check.expect.baseImage).inspect().catch(() => undefined))?.RootFS?.Layers;
    let run;
    if (check.run) {
      run = await runLimited({ docker: ctx.docker, image: check.image, command: check.run.args.length ? check.run.args : undefined, stdin: check.run.stdin, limits: { ...ctx.limits, timeoutMs: check.timeoutSec * 1000 } });
    }
    return {
      exists: true,
      user: info.Config.User ?? '',
      entrypoint: info.Config.Entrypoint ?? null,
      cmd: info.Config.Cmd ?? null,
      exposedPorts: Object.keys(info.Config.ExposedPorts ?? {}).sort(),
      sizeMB: Math.round((info.Size / 1e6) * 10) / 10,
      env: Object.fromEntries((info.Config.Env ?? []).map((pair: string) => [pair.split('=')[0], pair.split('=').slice(1).join('=')])),
      workdir: info.Config.WorkingDir ?? '',
      layers: info.RootFS?.Layers ?? [],
      baseLayers,
      run,
    };
  },
  judge(check, o) {
    const want = check.expect.exists ?? true;
    if (!o.exists) return { ok: !want, expected: want ? `image ${check.image}` : `no image ${check.image}`, found: 'no such image' };
    const e = check.expect;
    const verdicts: Verdict[] = [];
    if (e.user === 'non-root') verdicts.push({ ok: !isRoot(o.user), expected: 'a non-root USER', found: o.user === '' ? 'no USER (runs as root)' : `USER ${o.user}` });
    else if (e.user !== undefined) verdicts.push(field('USER', e.user, o.user));
    if (e.entrypoint) verdicts.push(field('ENTRYPOINT', e.entrypoint, o.entrypoint));
    if (e.cmd) verdicts.push(field('CMD', e.cmd, o.cmd));
    if (e.exposedPorts) verdicts.push(field('EXPOSE', [...e.exposedPorts].sort(), o.exposedPorts));
    if (e.maxSizeMB !== undefined) verdicts.push({ ok: o.sizeMB <= e.maxSizeMB, expected: `size ≤ ${e.maxSizeMB} MB`, found: `${o.sizeMB} MB` });
    if (e.workdir !== undefined) verdicts.push(field('WORKDIR', e.workdir, o.workdir));
    for (const [name, value] of Object.entries(e.env ?? {})) verdicts.push(field(`ENV ${name}`, value, o.env[name]));
    if (e.baseImage) {
      const base: string[] | undefined = o.baseLayers;
      verdicts.push({ ok: Boolean(base && base.every((layer: string, i: number) => o.layers[i] === layer)), expected: `built FROM ${e.baseImage}`, found: base ? 'another base' : `${e.baseImage} is not on this engine` });
      if (verdicts[verdicts.length - 1]!.ok) verdicts[verdicts.length - 1]!.found = `FROM ${e.baseImage}`;
    }
    if (check.run) {
      if (o.run.timedOut) verdicts.push({ ok: false, expected: `the container finishes within ${check.timeoutSec} s`, found: 'timed out' });
      else {
        const exit = field('exit code', check.run.exitCode, o.run.exitCode);
        verdicts.push(exit.ok ? exit : { ...exit, found: `${exit.found}; output: ${String(o.run.stderr || o.run.stdout).trim().slice(-200)}` });
        if (check.run.stdout) verdicts.push(matchText(o.run.stdout, check.run.stdout));
      }
    }
    return allOf(verdicts);
  },
};

export const dockerContainerKind: CheckKind<ContainerCheck> = {
  needsReference: () => false,
  async observe(ctx, check) {
    let id: string | undefined;
    let project = check.project;
    if (check.container) id = (await ctx.docker.getContainer(check.container).inspect().catch(() => undefined))?.Id;
    else {
      project = check.project ?? ctx.dayProject;
      const list = await ctx.docker.listContainers({ all: true, filters: { label: [`${PROJECT_LABEL}=${project}`, `${SERVICE_LABEL}=${check.service ?? ''}`] } });
      id = list[0]?.Id;
    }
    if (!id) return { exists: false };
    const info = await ctx.docker.getContainer(id).inspect();
    const after: Record<string, { startedAt: string; health?: string; dependsLabel: string }> = {};
    for (const dependency of check.expect.startedAfterHealthy ?? []) {
      const list = await ctx.docker.listContainers({ all: true, filters: { label: [`${PROJECT_LABEL}=${project}`, `${SERVICE_LABEL}=${dependency}`] } });
      const dep = list[0] ? await ctx.docker.getContainer(list[0].Id).inspect() : undefined;
      after[dependency] = { startedAt: dep?.State.StartedAt ?? '', health: dep?.State.Health?.Status, dependsLabel: info.Config.Labels?.['com.docker.compose.depends_on'] ?? '' };
    }
    return {
      exists: true,
      state: info.State.Status,
      health: info.State.Health?.Status,
      exitCode: info.State.ExitCode,
      oomKilled: info.State.OOMKilled,
      startedAt: info.State.StartedAt,
      memoryLimitBytes: info.HostConfig.Memory,
      pidsLimit: info.HostConfig.PidsLimit ?? 0,
      mounts: (info.Mounts ?? []).map((m: any) => ({ type: m.Type, destination: m.Destination, name: m.Name })),
      networks: Object.keys(info.NetworkSettings?.Networks ?? {}).sort(),
      env: Object.fromEntries((info.Config.Env ?? []).map((pair: string) => [pair.split('=')[0], pair.split('=').slice(1).join('=')])),
      after,
    };
  },
  judge(check, o) {
    const want = check.expect.exists ?? true;
    const what = check.container ?? `${check.service} of ${check.project ?? 'the day'}`;
    if (!o.exists) return { ok: !want, expected: want ? `a container for ${what}` : `no container for ${what}`, found: 'none' };
    const e = check.expect;
    const verdicts: Verdict[] = [];
    if (e.state) verdicts.push(field('state', e.state, o.state));
    if (e.health) verdicts.push(field('health', e.health, o.health ?? 'no healthcheck'));
    if (e.exitCode !== undefined) verdicts.push(field('exit code', e.exitCode, o.exitCode));
    if (e.oomKilled !== undefined) verdicts.push(field('OOMKilled', e.oomKilled, o.oomKilled));
    if (e.memoryLimitBytes !== undefined) verdicts.push(field('memory limit (bytes)', e.memoryLimitBytes, o.memoryLimitBytes));
    if (e.pidsLimit !== undefined) verdicts.push(field('pids limit', e.pidsLimit, o.pidsLimit));
    for (const mount of e.mounts ?? []) {
      const found = o.mounts.find((m: { destination: string }) => m.destination === mount.destination);
      const ok = Boolean(found && found.type === mount.type && (mount.name === undefined || found.name === mount.name));
      verdicts.push({ ok, expected: `a ${mount.type} mount at ${mount.destination}${mount.name ? ` named ${mount.name}` : ''}`, found: found ? `${found.type}${found.name ? ` ${found.name}` : ''} at ${found.destination}` : `nothing mounted at ${mount.destination}` });
    }
    for (const network of e.networks ?? []) verdicts.push({ ok: o.networks.includes(network), expected: `on network ${network}`, found: `networks ${o.networks.join(', ') || 'none'}` });
    for (const [name, value] of Object.entries(e.env ?? {})) verdicts.push(field(`env ${name}`, value, o.env[name]));
    for (const [dependency, dep] of Object.entries(o.after as Record<string, { startedAt: string; health?: string; dependsLabel: string }>)) {
      const conditioned = new RegExp(`(^|,)${dependency}:service_healthy`).test(dep.dependsLabel);
      const later = dep.startedAt !== '' && Date.parse(o.startedAt) >= Date.parse(dep.startedAt);
      verdicts.push({
        ok: conditioned && later && dep.health === 'healthy',
        expected: `started after ${dependency} was healthy (depends_on condition: service_healthy)`,
        found: !conditioned ? `depends_on ${dependency} without condition service_healthy` : dep.health !== 'healthy' ? `${dependency} is ${dep.health ?? 'without healthcheck'}` : later ? 'it did' : `started before ${dependency}`,
      });
    }
    return allOf(verdicts);
  },
};
