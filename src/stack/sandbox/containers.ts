import type Dockerode from 'dockerode';
import { PassThrough } from 'node:stream';
import { projectContainers } from '../project.js';

import { DEFAULT_LIMITS, LOG_CONFIG, type Limits } from './limits.js';

export { DEFAULT_LIMITS, type Limits };

export interface RunOutput {
  exitCode: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

function collector(): { stream: PassThrough; text: () => string } {
  const chunks: Buffer[] = [];
  let kept = 0;
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => {
    // Output beyond 8 MiB is drained and dropped: a chatty submission cannot fill the grader's memory.
    if (kept < 8 * 1024 * 1024) {
      chunks.push(chunk);
      kept += chunk.length;
    }
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

/**
 * Runs untrusted work in a fresh container: memory and pids limits, a deadline, not privileged,
 * all capabilities dropped, no new privileges, no Docker socket, and only the binds given.
 */
export async function runLimited(input: {
  docker: Dockerode;
  image: string;
  command?: string[];
  /** Replaces the image's entrypoint ([] = none: the command is the program). */
  entrypoint?: string[];
  workingDir?: string;
  network?: string;
  binds?: string[];
  env?: string[];
  user?: string;
  stdin?: string;
  limits?: Partial<Limits>;
  labels?: Record<string, string>;
  signal?: AbortSignal;
}): Promise<RunOutput> {
  const limits = { ...DEFAULT_LIMITS, ...input.limits };
  const container = await input.docker.createContainer({
    Image: input.image,
    Cmd: input.command,
    // The engine resets an image's entrypoint only for [""], not for an empty list.
    ...(input.entrypoint ? { Entrypoint: input.entrypoint.length ? input.entrypoint : [''] } : {}),
    ...(input.workingDir ? { WorkingDir: input.workingDir } : {}),
    Env: input.env,
    User: input.user,
    OpenStdin: input.stdin !== undefined,
    StdinOnce: input.stdin !== undefined,
    AttachStdin: input.stdin !== undefined,
    AttachStdout: true,
    AttachStderr: true,
    Labels: { 'de-lab.managed': 'true', 'de-lab.purpose': 'grading', ...input.labels },
    HostConfig: {
      Memory: limits.memoryBytes,
      MemorySwap: limits.memoryBytes,
      PidsLimit: limits.pids,
      NanoCpus: Math.round(limits.cpus * 1e9),
      LogConfig: LOG_CONFIG,
      Privileged: false,
      CapDrop: ['ALL'],
      CapAdd: ['CHOWN', 'SETUID', 'SETGID', 'DAC_OVERRIDE', 'FOWNER'],
      SecurityOpt: ['no-new-privileges'],
      NetworkMode: input.network ?? 'none',
      Binds: input.binds,
    },
  });
  const out = collector();
  const err = collector();
  try {
    const stream = await container.attach({
      stream: true,
      stdin: input.stdin !== undefined,
      stdout: true,
      stderr: true,
      hijack: input.stdin !== undefined,
    });
    input.docker.modem.demuxStream(stream, out.stream, err.stream);
    await container.start();
    if (input.stdin !== undefined) {
      (stream as unknown as NodeJS.WritableStream).write(input.stdin);
      (stream as unknown as NodeJS.WritableStream).end();
    }
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      void container.kill().catch(() => undefined);
    }, limits.timeoutMs);
    const stop = () => void container.kill().catch(() => undefined);
    input.signal?.addEventListener('abort', stop, { once: true });
    const status = (await container.wait()) as { StatusCode: number };
    clearTimeout(timer);
    input.signal?.removeEventListener('abort', stop);
    await new Promise((resolve) => setTimeout(resolve, 50));
    return { exitCode: status.StatusCode, stdout: out.text(), stderr: err.text(), timedOut };
  } finally {
    await container.remove({ force: true, v: true }).catch(() => undefined);
  }
}

export async function serviceContainerId(docker: Dockerode, project: string, service: string): Promise<string> {
  const state = (await projectContainers(docker, project)).find((s) => s.service === service && s.state === 'running');
  if (!state) throw new Error(`service ${service} of ${project} is not running (start the day with \`de-lab start\`)`);
  return state.id;
}

/**
 * Exec in a running service container with a deadline (the command runs under coreutils
 * `timeout`). With a signal, aborting it stops the command at once (TERM to its `timeout`).
 */
export async function execService(input: {
  docker: Dockerode;
  containerId: string;
  command: string[];
  user?: string;
  env?: string[];
  timeoutMs: number;
  signal?: AbortSignal;
}): Promise<RunOutput> {
  const seconds = Math.max(1, Math.ceil(input.timeoutMs / 1000));
  const started = Date.now();
  const guarded = ['timeout', '-k', '5', String(seconds), ...input.command];
  const pidFile = `/tmp/de-lab-exec-${process.pid}-${started.toString(36)}-${Math.random().toString(36).slice(2, 8)}.pid`;
  const cmd = input.signal ? ['sh', '-c', `echo $$ > ${pidFile}; exec "$@"`, 'sh', ...guarded] : guarded;
  const { exec, finished, stdout, stderr } = await startExec(input, cmd);
  const stop = () => {
    void startExec({ docker: input.docker, containerId: input.containerId, user: '0' }, [
      'sh',
      '-c',
      `kill -TERM "$(cat ${pidFile})" 2>/dev/null; rm -f ${pidFile}`,
    ]).catch(() => undefined);
  };
  input.signal?.addEventListener('abort', stop, { once: true });
  try {
    await finished;
  } finally {
    input.signal?.removeEventListener('abort', stop);
  }
  const info = await exec.inspect();
  const exitCode = info.ExitCode ?? 1;
  // 124: `timeout` stopped it; 137 after the deadline: it ignored SIGTERM and got SIGKILL. A 137
  // before the deadline is another kill (the kernel's OOM killer, most often), not a timeout.
  const timedOut = exitCode === 124 || (exitCode === 137 && Date.now() - started >= seconds * 1000);
  return { exitCode, stdout: stdout(), stderr: stderr(), timedOut };
}

/** Starts a command in a service container and returns how to stop it later (by its pid file). */
export async function execBackground(input: {
  docker: Dockerode;
  containerId: string;
  command: string[];
  user?: string;
  env?: string[];
  pidFile: string;
}) {
  return startExec(input, ['sh', '-c', `echo $$ > ${input.pidFile}; exec "$@"`, 'sh', ...input.command]);
}

/** Starts an exec with its output collected; `finished` resolves when its streams end. */
async function startExec(
  input: { docker: Dockerode; containerId: string; user?: string; env?: string[] },
  cmd: string[],
) {
  const exec = await input.docker
    .getContainer(input.containerId)
    .exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true, User: input.user, Env: input.env });
  const stream = await exec.start({ hijack: true, stdin: false });
  const out = collector();
  const err = collector();
  input.docker.modem.demuxStream(stream, out.stream, err.stream);
  const finished = new Promise<void>((resolve) => {
    stream.on('end', resolve);
    stream.on('close', resolve);
  });
  return { exec, finished, stdout: out.text, stderr: err.text };
}

/**
 * A small text file of an image, read from a created (never started) container through the
 * engine's archive API, so no program of the image runs; a symbolic link is followed once.
 * Undefined when it cannot be read.
 */
export async function readImageFile(
  docker: Dockerode,
  image: string,
  path: string,
  maxBytes = 1024 * 1024,
): Promise<string | undefined> {
  const container = await docker.createContainer({
    Image: image,
    Entrypoint: ['/nonexistent'],
    Labels: { 'de-lab.managed': 'true', 'de-lab.purpose': 'grading' },
    HostConfig: { NetworkMode: 'none', LogConfig: LOG_CONFIG },
  });
  try {
    const { extract } = await import('tar-stream');
    const read = async (file: string, hops: number): Promise<string | undefined> => {
      const archive = (await container.getArchive({ path: file })) as NodeJS.ReadableStream;
      const entries = extract();
      let text: string | undefined;
      let link: string | undefined;
      await new Promise<void>((resolve, reject) => {
        entries.on('entry', (header, stream, next) => {
          const chunks: Buffer[] = [];
          let size = 0;
          stream.on('data', (data: unknown) => {
            const chunk = data as Buffer;
            size += chunk.length;
            if (size <= maxBytes) chunks.push(chunk);
          });
          stream.on('end', () => {
            if (text === undefined && link === undefined) {
              if (header.type === 'symlink') link = header.linkname ?? undefined;
              else if (header.type === 'file' && size <= maxBytes) text = Buffer.concat(chunks).toString('utf8');
            }
            next();
          });
          stream.resume();
        });
        entries.on('finish', resolve);
        entries.on('error', reject);
        archive.on('error', reject);
        archive.pipe(entries);
      });
      if (text !== undefined || !link || hops > 0) return text;
      return read(link.startsWith('/') ? link : `${path.replace(/[^/]*$/, '')}${link}`, hops + 1);
    };
    return await read(path, 0);
  } catch {
    return undefined;
  } finally {
    await container.remove({ force: true }).catch(() => undefined);
  }
}
