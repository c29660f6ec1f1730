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

    // Hostile and tricky learners (issue 22), graded with `de-lab check` on this stack.
    interface Graded {
      passed: boolean;
      steps: Array<{ id: string; ok: boolean; error?: string; output?: string }>;
      checks: Array<{ id: string; status: string; found?: string; message?: string }>;
    }
    const solutionText = (exercise: string, file: string) =>
      readFileSync(join(__dirname, '../../labs/day2/exercises', exercise, 'solution', file), 'utf8');
    const checkWith = async (exercise: string, file: string, text: string): Promise<Graded> => {
      writeFileSync(join(ws, 'day2', exercise, file), text);
      const result = await inWs(['check', 'day2', exercise, '--json']);
      const report = JSON.parse(result.stdout) as { results?: Graded[] };
      const graded = report.results?.[0];
      expect(graded, result.stderr + result.stdout).toBeDefined();
      return graded!;
    };
    const status = (graded: Graded) => Object.fromEntries(graded.checks.map((c) => [c.id, c.status]));

    it(
      'refuses configs that run code (an exec source running the generator, embedded Ruby), naming the line',
      async () => {
        const http = '<source>\n  @type http\n  port 9880\n</source>\n';
        const exec = await checkWith(
          'route-events',
          'fluent.conf',
          `${http}<source>\n  @type exec\n  command ruby /opt/de-lab/gen/day2.rb gen --seed 1 --kind forward\n  tag app.x\n  <parse>\n    @type none\n  </parse>\n</source>\n<match **>\n  @type null\n</match>\n`,
        );
        expect(exec.passed).toBe(false);
        const run = exec.steps.find((s) => s.id === 'run-config')!;
        expect(run.ok).toBe(false);
        expect(`${run.error ?? ''}${run.output ?? ''}`).toContain(
          'fluent.conf line 6: <source> @type exec is not allowed in route-events',
        );
        const ruby = await checkWith(
          'route-events',
          'fluent.conf',
          `${http}<match app.**>\n  @type file\n  path "out/#{File.write('/tmp/x', 1)}"\n</match>\n`,
        );
        const step = ruby.steps.find((s) => s.id === 'run-config')!;
        expect(`${step.error ?? ''}${step.output ?? ''}`).toContain('fluent.conf line 7: embedded Ruby');
        expect(ruby.passed).toBe(false);
      },
      4 * 60_000,
    );

    it(
      'kafka-output judges the kafka2 block that receives the orders, not a decoy with the right settings first',
      async () => {
        const decoy =
          '<match decoy.**>\n  @type kafka2\n  brokers kafka:9092\n  required_acks -1\n  compression_codec gzip\n  <format>\n    @type json\n  </format>\n</match>\n';
        const text = solutionText('kafka-output', 'fluent.conf')
          .replace('required_acks -1\n  compression_codec gzip', 'required_acks 1\n  compression_codec gzip')
          .replace('<match shop.**>', `${decoy}<match shop.**>`);
        const graded = await checkWith('kafka-output', 'fluent.conf', text);
        expect(status(graded)).toMatchObject({ 'topic-from-field': 'passed', 'acks-and-gzip': 'failed' });
        expect(graded.checks.find((c) => c.id === 'acks-and-gzip')?.found).toContain('required_acks "1"');
      },
      5 * 60_000,
    );

    it(
      'reliable-forwarding: a gzip <secondary> passes; a load-balanced pair is no standby',
      async () => {
        const reference = solutionText('reliable-forwarding', 'forwarder.conf');
        const gzip = await checkWith(
          'reliable-forwarding',
          'forwarder.conf',
          reference.replace('directory failed', 'directory failed\n    compress gzip'),
        );
        expect(status(gzip), JSON.stringify(gzip.checks)).toEqual({
          'nothing-lost': 'passed',
          'standby-took-over': 'passed',
          'secondary-kept': 'passed',
        });
        const balanced = await checkWith(
          'reliable-forwarding',
          'forwarder.conf',
          reference.replace(/\n\s*standby true/, ''),
        );
        expect(status(balanced)['standby-took-over']).toBe('failed');
        // Either aggregator-b took chunks while aggregator-a was up (even all of them: a round robin
        // may send every early chunk to aggregator-b), or (when it happened to send them to
        // aggregator-a only) the forward output has no `standby true`.
        expect(balanced.checks.find((c) => c.id === 'standby-took-over')?.found).toMatch(
          /load-balanced|0 with standby true/,
        );
      },
      8 * 60_000,
    );

    it(
      'buffer-workers counts the worker processes: one worker fails two-workers',
      async () => {
        const graded = await checkWith(
          'buffer-workers',
          'fluent.conf',
          solutionText('buffer-workers', 'fluent.conf').replace('workers 2', 'workers 1'),
        );
        expect(status(graded)['two-workers']).toBe('failed');
        expect(status(graded)['all-once']).toBe('passed');
      },
      5 * 60_000,
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
