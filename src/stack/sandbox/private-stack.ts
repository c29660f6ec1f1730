import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import { execa } from 'execa';
import { parse } from 'yaml';
import type { Lab } from '../../course/labs.js';
import { composeServices, composeTarget, hostPort, type ComposeTarget } from '../compose.js';
import { OWNER_LABEL } from '../gc.js';
import { startStack } from '../start.js';
import { LOG_CONFIG } from './limits.js';
import { freePort } from './ports.js';
import { openForContainers } from './folders.js';
import { cliEnv } from '../engines/cli-env.js';
import { mirrorOf } from '../engines/mirror.js';
import { mirroredTarget } from '../engines/mirror-compose.js';

/** Pids limit of private-stack services whose compose file sets none (JVM threads count too). */
export const PRIVATE_STACK_PIDS = 4096;

/** The container side of a compose port entry ("127.0.0.1:8080:80" → 80, { target: 80 } → 80). */
export function containerPort(entry: unknown): number | undefined {
  if (typeof entry === 'object' && entry !== null) {
    const target = Number((entry as { target?: unknown }).target);
    return Number.isInteger(target) ? target : undefined;
  }
  const last = String(entry)
    .replace(/\/(tcp|udp)$/, '')
    .split(':')
    .pop();
  const port = Number(last);
  return Number.isInteger(port) && port > 0 ? port : undefined;
}

function rawServices(composeFile: string): Record<string, any> {
  return (parse(readFileSync(composeFile, 'utf8')) as { services?: Record<string, any> })?.services ?? {};
}

/** {port:N} for the learner's own day stack: every lab port is published where lab.yaml says. */
export function dayPortVars(lab: Lab): Record<string, string> {
  return Object.fromEntries(lab.ports.map((p) => [`port:${p.port}`, String(p.port)]));
}

/**
 * A private copy of a day's stack for selftest and grading: its own project, its own workspace
 * folder, no fixed host ports (a port marked `private` in lab.yaml goes to a free 127.0.0.1 port,
 * given to steps and checks as {port:N}), a pids limit and a log cap on every service, and an owner
 * label so `de-lab gc` leaves it alone while the owning process lives.
 */
export async function startPrivateStack(input: {
  docker: Dockerode;
  lab: Lab;
  project: string;
  prefix: string;
  root?: string;
}): Promise<{ target: ComposeTarget; root: string; dayDir: string; portVars: Record<string, string> }> {
  const root = input.root ?? mkdtempSync(join(tmpdir(), `${input.project}-`));
  const dayDir = join(root, input.lab.id);
  mkdirSync(dayDir, { recursive: true });
  const override = join(root, 'private-stack.yaml');
  const raw = existsSync(input.lab.composeFile) ? rawServices(input.lab.composeFile) : {};
  const services = existsSync(input.lab.composeFile) ? composeServices(input.lab.composeFile) : [];
  const portVars: Record<string, string> = {};
  const entries: string[] = [];
  for (const service of services) {
    const spec = raw[service.name] ?? {};
    const lines = [`  ${service.name}:`, '    labels:', `      ${OWNER_LABEL}: "${process.pid}@${hostname()}"`];
    lines.push(
      '    logging:',
      `      driver: ${LOG_CONFIG.Type}`,
      '      options:',
      ...Object.entries(LOG_CONFIG.Config).map(([k, v]) => `        ${k}: "${v}"`),
    );
    if (spec.pids_limit === undefined && spec.deploy?.resources?.limits?.pids === undefined)
      lines.push(`    pids_limit: ${PRIVATE_STACK_PIDS}`);
    lines.push(...healthOff(spec));
    if (service.ports.length > 0) {
      const kept: string[] = [];
      for (const entry of spec.ports ?? []) {
        const published = hostPort(entry);
        const declared = input.lab.ports.find((p) => p.port === published && p.service === service.name && p.private);
        const target = containerPort(entry);
        if (!declared || target === undefined) continue;
        const port = await freePort();
        portVars[`port:${declared.port}`] = String(port);
        kept.push(`"127.0.0.1:${port}:${target}"`);
      }
      lines.push(`    ports: !override [${kept.join(', ')}]`);
    }
    entries.push(lines.join('\n'));
  }
  writeFileSync(override, entries.length ? `services:\n${entries.join('\n')}\n` : 'services: {}\n');
  let target = composeTarget(
    input.lab,
    { imagePrefix: input.prefix, workspace: root },
    { project: input.project, files: entries.length ? [override] : [], base: cliEnv(input.docker) },
  );
  // The healthchecks are off in the override: start runs each one itself until it passes once.
  target.probeHealth = entries.length > 0;
  openForContainers(dayDir);
  // An engine with a disk of its own mounts a copy of the folders, carried there first (engines/mirror.ts).
  const mirror = mirrorOf(input.docker);
  if (mirror && existsSync(input.lab.composeFile))
    target = await mirroredTarget(target, mirror, join(root, 'mirror-stack.yaml'));
  if (existsSync(input.lab.composeFile)) await startStack({ lab: input.lab, target, docker: input.docker });
  return { target, root, dayDir, portVars };
}

/**
 * Override lines that switch a service's healthcheck off and let what waited for it being healthy
 * wait for it being started: `startStack` then runs the healthchecks itself, once each, in that
 * order (a healthcheck the engine runs every two seconds for the stack's whole life costs CPU the
 * graded jobs need). Other depends_on settings (required, restart) are kept.
 */
export function healthOff(spec: Record<string, any>): string[] {
  const lines: string[] = [];
  if (spec.healthcheck && !spec.healthcheck.disable) lines.push('    healthcheck:', '      disable: true');
  const depends = spec.depends_on;
  if (depends && !Array.isArray(depends)) {
    const entries = Object.entries(depends as Record<string, Record<string, unknown> | null>);
    if (entries.some(([, dep]) => dep?.condition === 'service_healthy')) {
      lines.push('    depends_on: !override');
      for (const [name, dep] of entries) {
        const kept = { ...(dep ?? {}) };
        if (kept.condition === 'service_healthy' || kept.condition === undefined) kept.condition = 'service_started';
        lines.push(`      ${JSON.stringify(name)}:`);
        for (const [key, value] of Object.entries(kept)) lines.push(`        ${key}: ${JSON.stringify(value)}`);
      }
    }
  }
  return lines;
}

export async function composeDown(project: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  await execa('docker', ['compose', '-p', project, 'down', '-v', '--remove-orphans', '--timeout', '5'], {
    env,
    reject: false,
    timeout: 120_000,
  });
}
