import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type Dockerode from 'dockerode';
import { afterEach, describe, expect, it } from 'vitest';
import { findLab } from '../../src/course/labs.js';
import { runExercise } from '../../src/grading/runner.js';
import { gradingSchema } from '../../src/grading/schema.js';

// `stop-background` (checkpoint-recovery's crash) waits up to its timeoutSec for the stopped
// command to end. That wait's timer must go once the command ended: left pending, it kept
// `de-lab check` alive for the rest of the 30 s after the verdict was printed.

/** An engine with one running service; a background exec ends when a `kill` exec is started. */
function engine(): Dockerode {
  const background: PassThrough[] = [];
  return {
    listContainers: async () => [
      {
        Id: 'c1',
        Names: ['/p-spark-1'],
        Labels: { 'com.docker.compose.service': 'spark' },
        State: 'running',
        Status: 'Up',
        Ports: [],
      },
    ],
    getContainer: () => ({
      exec: async ({ Cmd }: { Cmd: string[] }) => {
        const stream = new PassThrough().resume(); // flowing, so that end() emits 'end'
        const script = Cmd.join(' ');
        return {
          start: async () => {
            if (script.includes('.pid; exec "$@"')) background.push(stream);
            else {
              if (script.includes('kill -')) for (const running of background.splice(0)) running.end();
              setImmediate(() => stream.end());
            }
            return stream;
          },
          inspect: async () => ({ ExitCode: 0, Running: false }),
        };
      },
    }),
    modem: { demuxStream: () => undefined },
  } as unknown as Dockerode;
}

const check = { id: 'c', kind: 'file', title: { en: 'c', ko: 'c' }, path: 'x.txt', expect: { exists: false } };

describe('stop-background', () => {
  let root = '';
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('stops the background command and leaves no timer of its wait behind', async () => {
    root = mkdtempSync(join(tmpdir(), 'de-lab-stop-bg-'));
    const dayDir = join(root, 'day7');
    const workdir = join(dayDir, '.grading', 'x-learner');
    mkdirSync(workdir, { recursive: true });
    const WAIT_SEC = 777; // a delay no other timer of a run has
    const pending = new Set<unknown>();
    const realSet = globalThis.setTimeout;
    const realClear = globalThis.clearTimeout;
    globalThis.setTimeout = ((fn: () => void, ms?: number, ...rest: unknown[]) => {
      const handle = realSet(
        () => {
          pending.delete(handle);
          fn();
        },
        ms,
        ...rest,
      );
      if (ms === WAIT_SEC * 1000) pending.add(handle);
      return handle;
    }) as typeof setTimeout;
    globalThis.clearTimeout = ((handle: Parameters<typeof clearTimeout>[0]) => {
      pending.delete(handle);
      realClear(handle);
    }) as typeof clearTimeout;
    try {
      const steps = [
        { id: 'run', kind: 'command', service: 'spark', background: true, command: ['sleep', '3600'] },
        { id: 'crash', kind: 'stop-background', step: 'run', signal: 'SIGKILL', timeoutSec: WAIT_SEC },
      ];
      const { result } = await runExercise({
        docker: engine(),
        lab: findLab('day3'),
        spec: { day: 'day7', exercise: 'x', dir: root, files: [], ...gradingSchema.parse({ steps, checks: [check] }) },
        role: 'learner',
        seed: 1,
        workdir,
        dayDir,
        dayProject: 'p',
        prefix: 'de-lab',
      });
      expect(result.steps.map((s) => [s.id, s.ok, s.output])).toEqual([
        ['run', true, undefined],
        ['crash', true, 'stopped'],
      ]);
      expect(pending.size).toBe(0);
    } finally {
      globalThis.setTimeout = realSet;
      globalThis.clearTimeout = realClear;
      for (const handle of pending) realClear(handle as Parameters<typeof clearTimeout>[0]);
    }
  });
});
