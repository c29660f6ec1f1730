import type Dockerode from 'dockerode';
import { PassThrough } from 'node:stream';

/**
 * Runs a command in a container. With `tty`, the terminal is attached raw (an interactive
 * shell) and resized with the window; without, output is demultiplexed to stdout/stderr.
 * Resolves to the command's exit code.
 */
export async function execInContainer(input: {
  docker: Dockerode;
  containerId: string;
  command: string[];
  tty: boolean;
  stdin: boolean;
  user?: string;
  workdir?: string;
  env?: string[];
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
}): Promise<number> {
  const container = input.docker.getContainer(input.containerId);
  const exec = await container.exec({
    Cmd: input.command,
    AttachStdin: input.stdin,
    AttachStdout: true,
    AttachStderr: true,
    Tty: input.tty,
    User: input.user,
    WorkingDir: input.workdir,
    Env: input.env,
  });
  const stream = await exec.start({ hijack: true, stdin: input.stdin, Tty: input.tty });
  const stdout = input.stdout ?? process.stdout;
  const stderr = input.stderr ?? process.stderr;
  const stdinStream = process.stdin as NodeJS.ReadStream;
  let restore = () => {};
  if (input.tty) {
    stream.pipe(stdout);
    if (stdinStream.isTTY) {
      stdinStream.setRawMode(true);
      const resize = () => exec.resize({ h: process.stdout.rows, w: process.stdout.columns }).catch(() => undefined);
      process.stdout.on('resize', resize);
      void resize();
      restore = () => {
        stdinStream.setRawMode(false);
        process.stdout.removeListener('resize', resize);
      };
    }
  } else {
    const out = new PassThrough();
    const err = new PassThrough();
    out.pipe(stdout, { end: false });
    err.pipe(stderr, { end: false });
    input.docker.modem.demuxStream(stream, out, err);
  }
  if (input.stdin) {
    stdinStream.resume();
    stdinStream.pipe(stream);
  }
  await new Promise<void>((resolve) => {
    stream.on('end', resolve);
    stream.on('close', resolve);
  });
  restore();
  if (input.stdin) {
    stdinStream.unpipe(stream);
    stdinStream.pause();
  }
  const info = await exec.inspect();
  return info.ExitCode ?? 1;
}
