import type Dockerode from 'dockerode';
import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { parse } from 'yaml';
import { execInContainer } from './exec.js';

/**
 * Health probed by de-lab instead of the engine, for stacks whose healthchecks only matter until
 * they are up (grading's private stacks). The engine runs a healthcheck every interval for as long
 * as the container lives: on this kind of stack that is one `exec` a second or more (a process
 * in the container, runc, the shim and the daemon each time), about 0.05 of a core for day 4's two
 * services and more for day 5's five, burnt while the learner's jobs need the CPU. Here the same
 * test runs until it passes once, in the order `depends_on: condition: service_healthy` asks for.
 */
export interface HealthProbe {
  argv: string[];
  intervalMs: number;
  timeoutMs: number;
  startPeriodMs: number;
  retries: number;
}

export interface ServiceHealth {
  name: string;
  /** The compose healthcheck as a command to exec; none when the service has no healthcheck. */
  probe?: HealthProbe;
  /** Services it waits to be healthy before it starts (depends_on condition service_healthy). */
  healthyDeps: string[];
}

/** Compose's duration ("2s", "1m30s", "500ms", "1h") in milliseconds; `fallback` for none. */
export function durationMs(value: unknown, fallback: number): number {
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value === 'number') return value / 1e6; // a number is nanoseconds in Compose
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, ns: 1e-6 };
  let total = 0;
  let rest = String(value).trim();
  while (rest.length > 0) {
    const match = /^(\d+(?:\.\d+)?)(ms|us|ns|h|m|s)/.exec(rest);
    if (!match) return fallback;
    total += Number(match[1]) * units[match[2]!]!;
    rest = rest.slice(match[0].length);
  }
  return total;
}

/** The command a healthcheck's `test` runs, as the engine would (CMD: as is; CMD-SHELL or a string: `sh -c`). */
export function probeArgv(test: unknown): string[] | undefined {
  if (typeof test === 'string') return test.trim() ? ['/bin/sh', '-c', test] : undefined;
  if (!Array.isArray(test) || test.length === 0) return undefined;
  const [kind, ...rest] = test.map(String);
  if (kind === 'CMD') return rest.length > 0 ? rest : undefined;
  if (kind === 'CMD-SHELL') return rest.length > 0 ? ['/bin/sh', '-c', rest.join(' ')] : undefined;
  return undefined; // NONE, or a form the engine would refuse
}

/** Each service's healthcheck and healthy-dependencies, from the compose file (engine defaults filled in). */
export function serviceHealth(composeFile: string): ServiceHealth[] {
  const doc = parse(readFileSync(composeFile, 'utf8')) as { services?: Record<string, any> };
  return Object.entries(doc.services ?? {}).map(([name, spec]) => {
    const check = spec?.healthcheck;
    const argv = check && !check.disable ? probeArgv(check.test) : undefined;
    const depends = spec?.depends_on;
    const healthyDeps =
      depends && !Array.isArray(depends)
        ? Object.entries(depends as Record<string, { condition?: string }>)
            .filter(([, dep]) => dep?.condition === 'service_healthy')
            .map(([dep]) => dep)
        : [];
    return {
      name,
      healthyDeps,
      probe: argv && {
        argv,
        intervalMs: durationMs(check.interval, 30_000),
        timeoutMs: durationMs(check.timeout, 30_000),
        startPeriodMs: durationMs(check.start_period, 0),
        retries: Number(check.retries ?? 3),
      },
    };
  });
}

/**
 * The services in start order: each wave holds the services whose healthy-dependencies are all in
 * earlier waves. A cycle (Compose refuses one too) ends the waves with what is left, in one.
 */
export function healthWaves(services: ServiceHealth[]): string[][] {
  const names = new Set(services.map((s) => s.name));
  const placed = new Set<string>();
  const waves: string[][] = [];
  let left = services;
  while (left.length > 0) {
    const wave = left.filter((s) => s.healthyDeps.every((dep) => placed.has(dep) || !names.has(dep)));
    const next = wave.length > 0 ? wave : left;
    waves.push(next.map((s) => s.name));
    for (const s of next) placed.add(s.name);
    left = left.filter((s) => !placed.has(s.name));
  }
  return waves;
}

/** Runs the probe once in the container: its exit code (none when it outlived its timeout) and output. */
export async function probeOnce(
  docker: Dockerode,
  containerId: string,
  probe: HealthProbe,
): Promise<{ exitCode?: number; output: string }> {
  const sink = new PassThrough();
  let output = '';
  sink.on('data', (chunk: Buffer) => {
    if (output.length < 4096) output += chunk.toString('utf8');
  });
  const run = execInContainer({
    docker,
    containerId,
    command: probe.argv,
    tty: false,
    stdin: false,
    stdout: sink,
    stderr: sink,
  });
  let timer: NodeJS.Timeout | undefined;
  const exitCode = await Promise.race([
    run,
    new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), probe.timeoutMs);
    }),
  ]);
  clearTimeout(timer);
  if (exitCode === undefined) return { output: `${output}\n(timed out after ${probe.timeoutMs / 1000} s)`.trim() };
  return { exitCode, output: output.trim() };
}
