import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import { execa } from 'execa';
import { parse } from 'yaml';
import { PROJECT_LABEL, SERVICE_LABEL } from '../project.js';
import { composeRisks, sourceRisks, type ComposeConfig } from './compose-guard.js';
import { freePort } from './ports.js';
import { LOG_CONFIG, type Limits } from './limits.js';

/** A port the learner's file asked to publish, and where de-lab really published it. */
export interface PortRequest {
  service: string;
  target: number;
  /** What the learner's file says (host side); '' when it published on all interfaces. */
  hostIp: string;
  published: number;
  /** The free 127.0.0.1 port de-lab used instead, so a graded stack never holds a fixed host port. */
  actual: number;
}

export class LearnerComposeRefused extends Error {
  constructor(
    message: string,
    readonly detail?: string,
  ) {
    super(message);
  }
}

/** Log cap of every learner container: a 3 GiB write to stdout keeps at most this much on disk. */
const LOG_CAP = LOG_CONFIG.Config;

/** The only environment a learner's compose file is interpolated from: nothing of the grader's leaks in. */
export function interpolationEnv(declared: Record<string, string>, prefix: string): Record<string, string> {
  return { DE_LAB_IMAGE_PREFIX: prefix, ...declared };
}

/**
 * Renders a learner's compose file with `docker compose config` from an empty environment plus
 * what the exercise declares (and the file's own .env), after refusing what rendering would read
 * from the host (include, extends, env_file outside the folder).
 */
export async function renderLearnerCompose(input: {
  file: string;
  folder: string;
  project: string;
  env: Record<string, string>;
}): Promise<ComposeConfig> {
  let doc: unknown;
  try {
    doc = parse(readFileSync(input.file, 'utf8'));
  } catch (error) {
    throw new LearnerComposeRefused('is not valid YAML', String((error as Error).message).split('\n')[0]);
  }
  const early = sourceRisks(doc, input.folder);
  if (early.length > 0) throw new LearnerComposeRefused(`is refused for safety: ${early.join('; ')}`);
  // A private HOME (the compose plugin found through the real one) and no PATH: ${HOME}, ${PATH}
  // or any other variable of the grader's resolves to nothing useful.
  const home = mkdtempSync(join(tmpdir(), 'de-lab-compose-home-'));
  try {
    const plugins = join(process.env.DOCKER_CONFIG ?? join(homedir(), '.docker'), 'cli-plugins');
    if (existsSync(plugins)) {
      mkdirSync(join(home, '.docker'));
      symlinkSync(plugins, join(home, '.docker', 'cli-plugins'));
    }
    const result = await execa(
      'docker',
      [
        'compose',
        '-p',
        input.project,
        '-f',
        input.file,
        '--project-directory',
        input.folder,
        'config',
        '--format',
        'json',
      ],
      {
        env: { ...input.env, HOME: home },
        extendEnv: false,
        reject: false,
        timeout: 30_000,
        cwd: input.folder,
      },
    );
    if (result.exitCode !== 0)
      throw new LearnerComposeRefused(
        'is not a valid Compose file',
        String(result.stderr).trim().split('\n').slice(-3).join('\n'),
      );
    return JSON.parse(result.stdout) as ComposeConfig;
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

const bytes = (value: unknown): number | undefined => {
  if (value === undefined || value === null) return undefined;
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? n : undefined;
};

/**
 * The rendered file as it will run: every service capped at the grading limits (memory, pids, CPU;
 * a learner's own lower limit is kept, since exercises grade it), logs capped, no new privileges,
 * owned by the grading process, and every published port moved to a free 127.0.0.1 port.
 */
export async function confineLearnerCompose(
  config: ComposeConfig,
  input: { limits: Limits; labels: Record<string, string>; pickPort?: () => Promise<number> },
): Promise<{ config: ComposeConfig; ports: PortRequest[] }> {
  const ports: PortRequest[] = [];
  const pick = input.pickPort ?? freePort;
  const out: ComposeConfig = structuredClone(config);
  for (const [name, service] of Object.entries(out.services ?? {})) {
    const memory = Math.min(
      bytes(service.mem_limit) ?? Infinity,
      bytes(service.deploy?.resources?.limits?.memory) ?? Infinity,
      input.limits.memoryBytes,
    );
    service.mem_limit = String(memory);
    service.memswap_limit = String(Math.min(bytes(service.memswap_limit) ?? memory, memory));
    service.pids_limit = Math.min(
      bytes(service.pids_limit) ?? Infinity,
      bytes(service.deploy?.resources?.limits?.pids) ?? Infinity,
      input.limits.pids,
    );
    service.cpus = Math.min(
      bytes(service.cpus) ?? Infinity,
      bytes(service.deploy?.resources?.limits?.cpus) ?? Infinity,
      input.limits.cpus,
    );
    if (service.deploy?.resources?.limits) delete service.deploy.resources.limits;
    if (
      !service.logging ||
      service.logging.driver === undefined ||
      service.logging.driver === 'json-file' ||
      service.logging.driver === 'local'
    ) {
      service.logging = { driver: 'json-file', options: LOG_CAP };
    }
    service.security_opt = ['no-new-privileges:true'];
    service.labels = { ...(service.labels ?? {}), ...input.labels };
    for (const port of service.ports ?? []) {
      if (port.published === undefined || port.published === '') continue; // an ephemeral port: nothing fixed
      const published = Number(String(port.published).split('-')[0]);
      const actual = await pick();
      ports.push({ service: name, target: Number(port.target), hostIp: port.host_ip ?? '', published, actual });
      port.published = String(actual);
      port.host_ip = '127.0.0.1';
    }
  }
  return { config: out, ports };
}

export function writeRendered(config: ComposeConfig, dir: string, project: string): string {
  const file = join(dir, `${project}.compose.json`);
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

export { composeRisks };

/**
 * Why a learner's stack did not come up, from the engine: each container that exited, is
 * unhealthy or never got healthy, with the last lines of its log (or of its healthcheck).
 */
export async function composeFailureCause(
  docker: Dockerode,
  project: string,
  logLines = 8,
): Promise<string | undefined> {
  const list = await docker
    .listContainers({ all: true, filters: { label: [`${PROJECT_LABEL}=${project}`] } })
    .catch(() => []);
  const causes: string[] = [];
  for (const item of list) {
    const info = await docker
      .getContainer(item.Id)
      .inspect()
      .catch(() => undefined);
    if (!info) continue;
    const service = info.Config.Labels?.[SERVICE_LABEL] ?? item.Names?.[0] ?? item.Id.slice(0, 12);
    const health = info.State.Health?.Status;
    let what: string | undefined;
    if (info.State.Status === 'exited' || info.State.Status === 'dead')
      what = `${service} exited (${info.State.ExitCode}${info.State.OOMKilled ? ', out of memory' : ''})`;
    else if (health === 'unhealthy') what = `${service} is unhealthy`;
    else if (health === 'starting') what = `${service} never became healthy`;
    else if (info.State.Status === 'created') what = `${service} was never started`;
    if (!what) continue;
    let tail = '';
    if (health && health !== 'healthy' && info.State.Status === 'running') {
      const last = info.State.Health?.Log?.at(-1);
      tail = last
        ? `healthcheck exit ${last.ExitCode}: ${String(last.Output ?? '')
            .trim()
            .split('\n')
            .slice(-3)
            .join(' | ')}`
        : '';
    } else {
      const raw = (await docker
        .getContainer(item.Id)
        .logs({ stdout: true, stderr: true, tail: logLines })
        .catch(() => undefined)) as Buffer | undefined;
      tail = raw ? demuxText(raw).trim() : '';
    }
    causes.push(tail ? `${what}; last log lines:\n${tail}` : what);
  }
  return causes.length ? causes.join('\n') : undefined;
}

/** The text of a multiplexed (non-TTY) log buffer: 8-byte frame headers dropped. */
export function demuxText(buffer: Buffer): string {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= buffer.length && (buffer[offset] === 1 || buffer[offset] === 2) && buffer[offset + 1] === 0) {
    const size = buffer.readUInt32BE(offset + 4);
    parts.push(buffer.subarray(offset + 8, offset + 8 + size));
    offset += 8 + size;
  }
  return (parts.length ? Buffer.concat(parts) : buffer).toString('utf8');
}
