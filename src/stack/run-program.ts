import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type Dockerode from 'dockerode';
import { execInContainer } from './exec.js';
import { OutputTail } from './run-failures.js';

/**
 * Runs a learner's program in a service container. Its output streams to `stdout` and `stderr`
 * as it comes; a copy of its tail is kept to recognise known failures.
 */
export async function runProgram(input: {
  docker: Dockerode;
  containerId: string;
  command: string[];
  workdir: string;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}): Promise<{ exitCode: number; output: string }> {
  const tail = new OutputTail();
  const tee = (target: NodeJS.WritableStream) => {
    const stream = new PassThrough();
    stream.on('data', (chunk: Buffer) => {
      tail.push(chunk);
      target.write(chunk);
    });
    return stream;
  };
  const exitCode = await execInContainer({
    docker: input.docker,
    containerId: input.containerId,
    command: input.command,
    tty: false,
    stdin: false,
    stdout: tee(input.stdout),
    stderr: tee(input.stderr),
    workdir: input.workdir,
  });
  return { exitCode, output: tail.toString() };
}

/** Keeps a failed run's output in <workspace>/.de-lab/runs/<day>-<exercise>.log; returns that path. */
export function keepRunLog(workspaceRoot: string, day: string, exercise: string, output: string): string {
  const logFile = join(workspaceRoot, '.de-lab', 'runs', `${day}-${exercise}.log`);
  try {
    mkdirSync(join(workspaceRoot, '.de-lab', 'runs'), { recursive: true });
    writeFileSync(logFile, output);
  } catch {
    // The output was shown already; keeping a copy is a convenience.
  }
  return logFile;
}
