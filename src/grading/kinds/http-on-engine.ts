import type Dockerode from 'dockerode';
import { runLimited } from '../../stack/sandbox/containers.js';

export interface HttpAsked {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutSec: number;
}

const STATUS_MARK = '\nde-lab-http-status:';

/** The curl command for a request; the status comes after the body on a line of its own. */
export function curlCommand(ask: HttpAsked): string[] {
  const command = ['curl', '-sS', '-o', '-', '-w', `${STATUS_MARK}%{http_code}`, '--max-time', String(ask.timeoutSec)];
  if (ask.method) command.push('-X', ask.method);
  for (const [name, value] of Object.entries(ask.headers ?? {})) command.push('-H', `${name}: ${value}`);
  if (ask.body !== undefined) command.push('--data-binary', ask.body);
  return [...command, '--', ask.url];
}

/** Body and status from curlCommand's output; status 0 and curl's complaint when it got no answer. */
export function parseCurl(stdout: string, stderr: string): { status: number; body: string; error?: string } {
  const at = stdout.lastIndexOf(STATUS_MARK);
  const status = at < 0 ? 0 : Number(stdout.slice(at + STATUS_MARK.length).trim());
  if (!status) return { status: 0, body: '', error: stderr.trim() || 'no answer' };
  return { status, body: stdout.slice(0, at) };
}

/**
 * An http check on an engine of another machine: a stack's ports are published on that machine's
 * 127.0.0.1, so the request is made there, by curl in a short container of the day's tools image
 * on the engine's host network (the grader's own request; no learner code runs in it).
 */
export async function httpOnEngine(
  docker: Dockerode,
  image: string,
  ask: HttpAsked,
): Promise<{ status: number; body: string; error?: string }> {
  const run = await runLimited({
    docker,
    image,
    entrypoint: [],
    command: curlCommand(ask),
    network: 'host',
    limits: { timeoutMs: (ask.timeoutSec + 10) * 1000 },
  });
  return parseCurl(run.stdout, run.stderr);
}
