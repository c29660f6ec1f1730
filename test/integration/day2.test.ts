import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deLab, isolatedEnv } from '../helpers/cli.js';
import { expectSelftestOk } from '../helpers/selftest.js';

// docker-logging runs in the private stack too: lab.yaml publishes 24224 there at a free port.
const EXERCISES = [
  'route-events',
  'tail-rotation',
  'parse-filter',
  'buffer-workers',
  'docker-logging',
  'reliable-forwarding',
  'kafka-output',
];

describe('day 2: Fluentd', () => {
  it(
    'selftest: every starter fails at least one check and every reference solution passes all',
    async () => {
      const result = await deLab(['selftest', 'day2', '--json'], { timeout: 14 * 60_000 });
      expectSelftestOk(result, EXERCISES);
    },
    15 * 60_000,
  );

  describe('on the learner stack', () => {
    const workspace = mkdtempSync(join(tmpdir(), 'de-lab-day2-'));
    const ws = join(workspace, 'ws');
    const env = isolatedEnv({});
    const cli = (args: string[]) => deLab(args, { env, cwd: workspace });
    const inWs = (args: string[]) => deLab(args, { env, cwd: ws });

    beforeAll(async () => {
      expect((await cli(['init', ws, '--json'])).exitCode).toBe(0);
      const started = await inWs(['start', 'day2', '--yes']);
      expect(started.exitCode, started.stderr + started.stdout).toBe(0);
    }, 6 * 60_000);

    afterAll(async () => {
      await inWs(['stop', 'day2', '--yes']);
      await execa('docker', ['compose', '-p', 'de-lab-day2', 'down', '-v', '--remove-orphans', '--timeout', '5'], {
        reject: false,
      });
    }, 3 * 60_000);

    it(
      'de-lab gen day2: the same seed writes the same logs, another seed other logs',
      async () => {
        const gen = async (seed: string, out: string) => {
          const result = await inWs([
            'gen',
            'day2',
            '--seed',
            seed,
            '--count',
            '400',
            '--json',
            '--',
            '--out',
            out,
            '--rotate-every',
            '100',
          ]);
          expect(result.exitCode, result.stderr + result.stdout).toBe(0);
          return JSON.parse(result.stdout) as {
            runs: Array<{
              summary: { sha256: string; malformed: number; rotations: number; days: Record<string, number> };
            }>;
          };
        };
        const a = (await gen('7', 'gen-a')).runs[0]!.summary;
        const b = (await gen('7', 'gen-b')).runs[0]!.summary;
        const c = (await gen('8', 'gen-c')).runs[0]!.summary;
        expect(a.sha256).toBe(b.sha256);
        expect(c.sha256).not.toBe(a.sha256);
        expect(Object.values(a.days).reduce((x, y) => x + y, 0)).toBe(400);
        expect(Object.keys(a.days).length).toBe(3);
        expect(a.rotations).toBeGreaterThan(0);
        expect(a.malformed).toBeGreaterThan(0);
        // The files themselves, as the learner sees them in the workspace.
        for (const file of ['web-1/access.log', 'web-1/access.log.1', 'web-2/access.log']) {
          expect(readFileSync(join(ws, 'day2', 'gen-a', file), 'utf8')).toBe(
            readFileSync(join(ws, 'day2', 'gen-b', file), 'utf8'),
          );
        }
      },
      3 * 60_000,
    );

    it(
      "a config error shows Fluentd's own message and the line it names",
      async () => {
        const conf = join(ws, 'day2', 'route-events', 'fluent.conf');
        writeFileSync(
          conf,
          '<source>\n  @type http\n  port 9880\n</source>\n<match app.**>\n  @type file\n  path out/app\n  <buffer tag,time\n</match>\n',
        );
        const result = await inWs(['run', 'day2', 'route-events']);
        expect(result.exitCode).not.toBe(0);
        expect(result.stderr + result.stdout).toContain("expected '>' at fluent.conf line 8");
      },
      2 * 60_000,
    );
  });
});
