import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { execa, type Options } from 'execa';

/**
 * Small helpers for the image smoke tests: the real Docker CLI (never mocked), unique
 * `smoke-<kind>-<random>` names, health polling, and a cleanup list for afterAll.
 */

export interface DockerResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** `docker …`; never throws on a non-zero exit. */
export async function docker(args: string[], options: Options = {}): Promise<DockerResult> {
  const result = await execa('docker', args, { reject: false, stdin: 'ignore', timeout: 10 * 60_000, ...options });
  return { exitCode: result.exitCode ?? 1, stdout: String(result.stdout ?? ''), stderr: String(result.stderr ?? '') };
}

/** `docker …` that must succeed; the error carries the command and its stderr. */
export async function dockerOk(args: string[], options: Options = {}): Promise<DockerResult> {
  const result = await docker(args, options);
  if (result.exitCode !== 0) {
    throw new Error(
      `docker ${args.join(' ')} exited ${result.exitCode}\n--- stderr ---\n${result.stderr.slice(-4000)}\n--- stdout ---\n${result.stdout.slice(-2000)}`,
    );
  }
  return result;
}

export function smokeName(kind: string): string {
  return `smoke-${kind}-${randomBytes(4).toString('hex')}`;
}

/** A temporary directory that containers running as another uid may write to. */
export function sharedTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o777);
  return dir;
}

/** What a test created; removed in afterAll, containers first, and only these. */
export class Cleanup {
  readonly containers: string[] = [];
  readonly networks: string[] = [];
  readonly dirs: string[] = [];

  container(name: string): string {
    this.containers.push(name);
    return name;
  }

  network(name: string): string {
    this.networks.push(name);
    return name;
  }

  dir(path: string): string {
    this.dirs.push(path);
    return path;
  }

  async run(): Promise<void> {
    // -v: also the anonymous volumes of the images' VOLUME instructions (kafka, mariadb data).
    if (this.containers.length > 0) await docker(['rm', '-f', '-v', ...this.containers]);
    for (const network of this.networks) await docker(['network', 'rm', network]);
    for (const dir of this.dirs) rmSync(dir, { recursive: true, force: true });
  }
}

export interface HealthWait {
  /** Seconds from the container's StartedAt to the moment the poll saw "healthy". */
  seconds: number;
}

/**
 * Polls the container's Docker health status (every 250 ms) until it is "healthy". Fails at once
 * when the container exits or turns "unhealthy", with the last health log and container logs.
 */
export async function waitHealthy(container: string, timeoutMs = 180_000): Promise<HealthWait> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const inspect = await docker(['inspect', '-f', '{{json .State}}', container]);
    if (inspect.exitCode !== 0) throw new Error(`docker inspect ${container} failed: ${inspect.stderr}`);
    const state = JSON.parse(inspect.stdout) as {
      Status: string;
      ExitCode: number;
      StartedAt: string;
      Health?: { Status: string; Log?: Array<{ ExitCode: number; Output: string }> };
    };
    if (!state.Health) throw new Error(`${container} has no HEALTHCHECK`);
    last = state.Health.Log?.at(-1)?.Output?.trim() ?? '';
    if (state.Health.Status === 'healthy') {
      return { seconds: Math.round((Date.now() - Date.parse(state.StartedAt)) / 100) / 10 };
    }
    if (state.Status !== 'running' || state.Health.Status === 'unhealthy') {
      const logs = await docker(['logs', '--tail', '60', container]);
      throw new Error(
        `${container} is ${state.Status}/${state.Health.Status} (exit ${state.ExitCode}); last check: ${last}\n--- logs ---\n${logs.stdout}${logs.stderr}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const logs = await docker(['logs', '--tail', '60', container]);
  throw new Error(
    `${container} not healthy within ${timeoutMs / 1000} s; last check: ${last}\n--- logs ---\n${logs.stdout}${logs.stderr}`,
  );
}

/** Polls `check` (every 250 ms) until it returns a value other than undefined. */
export async function pollUntil<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
}

export interface SourceProbe {
  name: string;
  url: string;
  reachable: boolean;
  detail: string;
}

/**
 * An independent check of a recipe source (image.yaml `sources:`), to cross-check de-lab's own
 * probe: GET, and reachable means an answer with status 2xx/3xx within 10 s.
 */
export function probeUrl(source: { name: string; url: string }, timeoutMs = 10_000): Promise<SourceProbe> {
  const url = new URL(source.url);
  return new Promise((resolve) => {
    const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(
      url,
      { method: 'GET', timeout: timeoutMs },
      (response) => {
        response.resume();
        const status = response.statusCode ?? 0;
        resolve({ ...source, reachable: status >= 200 && status < 400, detail: `HTTP ${status}` });
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    request.on('error', (error) => resolve({ ...source, reachable: false, detail: error.message }));
    request.end();
  });
}
