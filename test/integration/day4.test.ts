import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deLab, isolatedEnv } from '../helpers/cli.js';
import { expectSelftestOk } from '../helpers/selftest.js';
import { courseSeed } from '../../src/course/seed.js';

const EXERCISES = ['parse-events', 'windowed-counts', 'enrich-users', 'click-attribution', 'checkpoint-recovery'];

describe('day 4: Kafka and Spark Structured Streaming', () => {
  it(
    'selftest: every starter fails at least one check and every reference solution passes all',
    async () => {
      // About 9 minutes on an idle 2-core machine; several times that when other jobs share the CPU.
      const result = await deLab(['selftest', 'day4', '--json'], { timeout: 60 * 60_000 });
      expectSelftestOk(result, EXERCISES, { starterFailsACheck: true });
    },
    65 * 60_000,
  );

  describe('de-lab gen', () => {
    // The learner's day4 stack, in a private workspace; `start` itself opens <workspace>/day4 for
    // the spark user (uid 1000) when the host uid differs (the spark healthcheck requires it).
    const workspace = mkdtempSync(join(tmpdir(), 'de-lab-day4-gen-'));
    const env = isolatedEnv({ DE_LAB_WORKSPACE: workspace });
    const cli = (args: string[]) => deLab(args, { env });
    const topic = `gen-test-${process.pid}`;

    beforeAll(async () => {
      const started = await cli(['start', 'day4', '--yes', '--json']);
      expect(started.exitCode, started.stderr + started.stdout).toBe(0);
      // start launches the graders' warm driver in the background and does not wait for it.
      expect((JSON.parse(started.stdout) as { residentStarting?: boolean }).residentStarting).toBe(true);
    }, 10 * 60_000);

    afterAll(async () => {
      await cli(['stop', 'day4', '--yes']);
      await execa('docker', ['compose', '-p', 'de-lab-day4', 'down', '-v', '--remove-orphans', '--timeout', '5'], {
        reject: false,
      });
    }, 5 * 60_000);

    it(
      'a check right after start waits for the warm driver that start launched (one driver, not two) and runs in it',
      async () => {
        const spark = (await execa('docker', ['compose', '-p', 'de-lab-day4', 'ps', '-q', 'spark'])).stdout.trim();
        const init = await cli(['init', workspace, '--json']);
        expect(init.exitCode, init.stderr + init.stdout).toBe(0);
        cpSync(
          resolve('labs/day4/exercises/parse-events/solution/parse_events.py'),
          join(workspace, 'day4', 'parse-events', 'parse_events.py'),
        );
        const result = await cli(['check', 'day4', 'parse-events', '--json']);
        expect(result.exitCode, result.stderr + result.stdout).toBe(0);
        // The Python side of each driver: one, started by `start` (its log is the resident's).
        const drivers = await execa('docker', [
          'exec',
          spark,
          'sh',
          '-c',
          'for p in /proc/[0-9]*; do tr "\\0" " " < $p/cmdline 2>/dev/null; echo; done | grep -cE "^[^ ]*python[^ ]* [^ ]*warm.py serve"',
        ]);
        expect(drivers.stdout.trim()).toBe('1');
        const log = await execa('docker', ['exec', spark, 'cat', '/tmp/de-lab-resident.log']);
        expect(log.stdout).toContain('warm.py: serving on');
      },
      5 * 60_000,
    );

    it(
      'produces N records of two waves to a new topic, as Kafka itself counts them',
      async () => {
        const result = await cli([
          'gen',
          'day4',
          '--topic',
          topic,
          '--wave',
          '1-2',
          '--count',
          '150',
          '--seed',
          '7',
          '--late-share',
          '0.1',
          '--json',
        ]);
        expect(result.exitCode, result.stderr + result.stdout).toBe(0);
        const data = JSON.parse(result.stdout) as {
          records: number;
          waves: number[];
          runs: Array<{ summary: { events: number; late: number } }>;
        };
        expect(data.waves).toEqual([1, 2]);
        expect(data.records).toBe(300);
        expect(data.runs[1]!.summary.late).toBe(15);

        // Kafka's own tool, inside the broker container: end offsets minus start offsets per partition.
        const kafka = (await execa('docker', ['compose', '-p', 'de-lab-day4', 'ps', '-q', 'kafka'])).stdout.trim();
        const offsets = async (time: string) =>
          (
            await execa('docker', [
              'exec',
              kafka,
              'kafka-get-offsets.sh',
              '--bootstrap-server',
              'localhost:9094',
              '--topic',
              topic,
              '--time',
              time,
            ])
          ).stdout
            .split('\n')
            .filter((line) => line.startsWith(`${topic}:`))
            .reduce((sum, line) => sum + Number(line.split(':')[2]), 0);
        expect((await offsets('-1')) - (await offsets('-2'))).toBe(300);
      },
      5 * 60_000,
    );

    it(
      'click-attribution under another seed: a join without watermarks attributes the right clicks but fails state-bounded, read from the state files of its checkpoint in a judge',
      async () => {
        // The cheapest wrong submission of this exercise: the time bound without watermarks. The
        // matches are right (inner join), but the join can never forget an impression.
        const init = await cli(['init', workspace, '--json']);
        expect(init.exitCode, init.stderr + init.stdout).toBe(0);
        const solution = readFileSync(
          resolve('labs/day4/exercises/click-attribution/solution/click_attribution.py'),
          'utf8',
        );
        const noWatermarks = solution.replace(/\n\s*\.withWatermark\("(imp|click)_time", "10 minutes"\)\)/g, ')');
        expect(noWatermarks).not.toContain('withWatermark(');
        writeFileSync(join(workspace, 'day4', 'click-attribution', 'click_attribution.py'), noWatermarks);

        const seed = 7;
        const result = await cli(['check', 'day4', 'click-attribution', '--seed', String(seed), '--json']);
        expect(result.exitCode, result.stderr).toBe(1);
        const report = JSON.parse(result.stdout) as {
          results?: Array<{ checks: Array<{ id: string; status: string; found?: string; expected?: string }> }>;
        };
        expect(report.results, result.stdout).toBeDefined();
        const checks = report.results![0]!.checks;
        const byId = Object.fromEntries(checks.map((c) => [c.id, c]));
        expect(byId['same-matches']?.status, JSON.stringify(byId['same-matches'])).toBe('passed');
        expect(byId['state-bounded']?.status, JSON.stringify(byId['state-bounded'])).toBe('failed');
        expect(byId['state-bounded']?.found).toMatch(/NOT bounded/);

        // The attributed clicks under seed 7 are what the generator predicts for seed 7 (clicks
        // within 15 minutes of a valid impression), and not the default seed's number.
        const predicted = (s: number) =>
          (
            JSON.parse(
              execFileSync(
                'python3',
                [resolve('labs/day4/gen/events.py'), 'plan', '--seed', String(s), '--waves', '1,2', '--events', '200'],
                { encoding: 'utf8' },
              ),
            ) as { waves: Array<{ clicks_within_15_minutes: number }> }
          ).waves.reduce((sum, wave) => sum + wave.clicks_within_15_minutes, 0);
        const matched = Number(/(\d+) matching rows/.exec(byId['same-matches']!.found ?? '')?.[1]);
        expect(matched).toBe(predicted(seed));
        expect(matched).not.toBe(predicted(courseSeed()));
      },
      15 * 60_000,
    );

    describe("the warm driver (gen/warm.py: de-lab grade starts it in private stacks, de-lab start and check in the learner's)", () => {
      const inSpark = '/home/spark/work/day4/warm-test';
      const onHost = join(workspace, 'day4', 'warm-test');
      let spark = '';
      const exec = (command: string[], timeout = 5 * 60_000) =>
        execa('docker', ['exec', spark, ...command], { reject: false, timeout });
      const ping = async () => (await exec(['python3', '/opt/de-lab/gen/warm.py', 'ping'])).exitCode === 0;
      const serve = async () => {
        await execa('docker', [
          'exec',
          '-d',
          spark,
          'sh',
          '-c',
          'exec spark-submit --conf spark.eventLog.enabled=false /opt/de-lab/gen/warm.py serve > /tmp/warm.log 2>&1',
        ]);
        for (let i = 0; i < 240 && !(await ping()); i++) await new Promise((r) => setTimeout(r, 500));
        expect(await ping()).toBe(true);
      };
      const gone = async (seconds: number) => {
        for (let i = 0; i < seconds * 2; i++) {
          if (!(await ping())) return true;
          await new Promise((r) => setTimeout(r, 500));
        }
        return false;
      };
      const folder = (name: string) => {
        mkdirSync(join(onHost, name), { recursive: true });
        chmodSync(onHost, 0o777);
        chmodSync(join(onHost, name), 0o777);
        return `${inSpark}/${name}`;
      };
      const job = (name: string, body: string) => {
        mkdirSync(onHost, { recursive: true });
        writeFileSync(join(onHost, name), body);
        return `${inSpark}/${name}`;
      };
      // A job that reads its topic to a no-op sink; `extra` runs first inside start().
      const kafkaJob = (extra: string) =>
        [
          'import threading, time',
          'def start(spark, cfg):',
          `    ${extra}`,
          '    df = spark.readStream.format("kafka").option("kafka.bootstrap.servers", cfg.bootstrap).option("subscribe", cfg.topic).option("startingOffsets", "earliest").load()',
          '    return df.writeStream.format("noop").option("checkpointLocation", cfg.checkpoint).trigger(**cfg.trigger).start()',
          '',
        ].join('\n');

      // drive.py --warm over a one-wave topic of 20 events, with kafkaJob(extra) as the job (prefix: e.g. a timeout).
      const warmRun = (name: string, extra: string, prefix: string[] = []) =>
        exec([
          ...prefix,
          'python3',
          '/opt/de-lab/gen/drive.py',
          '--warm',
          '--job',
          job(`${name}.py`, kafkaJob(extra)),
          '--dir',
          folder(name),
          '--topic',
          `warm-test-${name}-${process.pid}`,
          '--seed',
          String(courseSeed()),
          '--events',
          '20',
        ]);

      /** A run that passed in the warm driver and left it serving. */
      const expectServedWarm = (run: { exitCode?: number; stderr: string }) => {
        expect(run.exitCode, run.stderr).toBe(0);
        expect(run.stderr).toContain('running in the warm driver');
        expect(run.stderr).not.toContain('warm driver ends');
      };

      beforeAll(async () => {
        spark = (await execa('docker', ['compose', '-p', 'de-lab-day4', 'ps', '-q', 'spark'])).stdout.trim();
        expect(spark).not.toBe('');
      });

      it("is left running in the learner's stack by start and the checks above, and leaves port 4040 to the learner's own job", async () => {
        expect(await ping()).toBe(true);
        const ui = await exec([
          'python3',
          '-c',
          'import socket; socket.create_connection(("127.0.0.1", 4040), timeout=2)',
        ]);
        expect(ui.stderr).toMatch(/ConnectionRefusedError/);
      });

      it(
        "checkpoint-recovery's crash kills a run of the warm driver: the driver stops the query, serves the restart, and the reference passes",
        async () => {
          if (!(await ping())) await serve();
          cpSync(
            resolve('labs/day4/exercises/checkpoint-recovery/solution/recovery.py'),
            join(workspace, 'day4', 'checkpoint-recovery', 'recovery.py'),
          );
          const logBefore = (await exec(['sh', '-c', 'cat /tmp/de-lab-resident.log /tmp/warm.log 2>/dev/null'])).stdout;
          const crashes = (text: string) => text.split('the client went away: its run was ended').length - 1;
          const result = await cli(['check', 'day4', 'checkpoint-recovery', '--json']);
          expect(result.exitCode, result.stdout).toBe(0);
          const logAfter = (await exec(['sh', '-c', 'cat /tmp/de-lab-resident.log /tmp/warm.log 2>/dev/null'])).stdout;
          // The learner's run (and the reference's, unless cached): each crash ended a run of the
          // warm driver, which still answers afterwards (so the restarts ran warm).
          expect(crashes(logAfter) - crashes(logBefore)).toBeGreaterThanOrEqual(1);
          expect(await ping()).toBe(true);
        },
        8 * 60_000,
      );

      it(
        'runs a graded job warm with the same committed rows as a cold spark-submit, and serves the next job',
        async () => {
          cpSync(resolve('labs/day4/exercises/windowed-counts/solution/windowed_counts.py'), join(onHost, 'wc.py'));
          if (!(await ping())) await serve();
          const args = (dir: string, topic: string) => [
            '--job',
            `${inSpark}/wc.py`,
            '--dir',
            dir,
            '--topic',
            topic,
            '--seed',
            '11',
            '--waves',
            '1,2',
            '--events',
            '200',
            '--late-share',
            '0.1',
            '--disorder-share',
            '0.1',
            '--bad-share',
            '0.02',
          ];
          const cold = await exec([
            'spark-submit',
            '--conf',
            'spark.eventLog.enabled=false',
            '/opt/de-lab/gen/drive.py',
            ...args(folder('cold'), `warm-test-cold-${process.pid}`),
          ]);
          expect(cold.exitCode, cold.stderr).toBe(0);
          expect(cold.stderr).not.toContain('running in the warm driver');
          for (const round of ['1', '2']) {
            const warm = await exec([
              'python3',
              '/opt/de-lab/gen/drive.py',
              '--warm',
              ...args(folder(`warm${round}`), `warm-test-warm${round}-${process.pid}`),
            ]);
            expectServedWarm(warm);
          }
          const rows = async (name: string) => {
            const collect = await exec([
              'python3',
              '/opt/de-lab/gen/filesink.py',
              'collect',
              '--sink',
              `${inSpark}/${name}/out`,
              '--out',
              `${inSpark}/${name}/result.jsonl`,
            ]);
            expect(collect.exitCode, collect.stderr).toBe(0);
            return readFileSync(join(onHost, name, 'result.jsonl'), 'utf8');
          };
          const coldRows = await rows('cold');
          expect(coldRows.trim().split('\n').length).toBeGreaterThan(5);
          expect(await rows('warm1')).toBe(coldRows);
          expect(await rows('warm2')).toBe(coldRows);
          expect(await ping()).toBe(true);
        },
        10 * 60_000,
      );

      it(
        'a thread a job leaves ends with its process; the driver ends itself after a job that leaves a process, then clients run cold; a client that gives up ends its run, and the driver serves on',
        async () => {
          if (!(await ping())) await serve();
          const threaded = await warmRun(
            'threaded',
            'threading.Thread(target=time.sleep, args=(3600,), daemon=True).start()',
          );
          expectServedWarm(threaded);
          expect(await ping()).toBe(true);

          // A process in a session of its own outlives the job's process group (killed after each run).
          const leaky = await warmRun(
            'leaky',
            'import subprocess; subprocess.Popen(["sleep", "3600"], start_new_session=True)',
          );
          expect(leaky.exitCode, leaky.stderr).toBe(0);
          expect(leaky.stderr).toMatch(
            /the job left processes running \(\d+ sleep 3600\): the warm driver ends after this run/,
          );
          expect(await gone(10)).toBe(true);
          const stray = /the job left processes running \((\d+) sleep 3600\)/.exec(leaky.stderr)![1]!;
          await exec(['kill', '-KILL', stray]);

          const cold = await warmRun('plain', 'pass');
          expect(cold.exitCode, cold.stderr).toBe(0);
          expect(cold.stderr).not.toContain('running in the warm driver');
          // spark-submit passes Python's stderr on to its stdout.
          expect(cold.stdout + cold.stderr).toContain('drive.py: wave 1: ');

          // The client gives up (as a step's timeout, or checkpoint-recovery's crash, kills it) on a
          // job that hangs with a Spark job of hours running from a thread (JVM only: a Python UDF
          // would leave a pyspark.daemon, which ends the driver). The driver kills the job's
          // process, cancels that Spark job, and serves the next run warm.
          await serve();
          const hung = await warmRun(
            'hung',
            'threading.Thread(target=lambda: spark.range(10**13).selectExpr("max(id)").collect(), daemon=True).start(); time.sleep(600)',
            ['timeout', '25'],
          );
          expect(hung.exitCode).toBe(124);
          expect(await ping()).toBe(true);
          const after = await warmRun(
            'after',
            'assert not spark.sparkContext.statusTracker().getActiveJobsIds(), "a Spark job of the run before is still running"',
          );
          expectServedWarm(after);
          const log = await exec(['cat', '/tmp/warm.log']);
          expect(log.stdout).toContain('warm.py: the client went away: its run was ended');
        },
        10 * 60_000,
      );

      // Issue 22: one exercise's learner code must not reach the graders' code or the next exercise.
      // Records in a topic, as Kafka itself counts them (end minus start offsets, in the broker's container).
      const topicRecords = async (topic: string) => {
        const kafka = (await execa('docker', ['compose', '-p', 'de-lab-day4', 'ps', '-q', 'kafka'])).stdout.trim();
        const offsets = async (time: string) =>
          (
            await execa('docker', [
              'exec',
              kafka,
              'kafka-get-offsets.sh',
              '--bootstrap-server',
              'localhost:9094',
              '--topic',
              topic,
              '--time',
              time,
            ])
          ).stdout
            .split('\n')
            .filter((line) => line.startsWith(`${topic}:`))
            .reduce((sum, line) => sum + Number(line.split(':')[2]), 0);
        return (await offsets('-1')) - (await offsets('-2'));
      };
      // drive.py --warm with a job of the given source over exactly 20 events (--fixed) of seed 4242.
      const warmSource = (name: string, source: string) =>
        exec([
          'python3',
          '/opt/de-lab/gen/drive.py',
          '--warm',
          '--job',
          job(`${name}.py`, source),
          '--dir',
          folder(name),
          '--topic',
          `warm-test-${name}-${process.pid}`,
          '--events',
          '20',
          '--fixed',
          '--seed',
          '4242',
        ]);
      const noopStart = kafkaJob('pass');
      // Two exercises in sequence in one warm driver: A (hostile), then B (plain). B must be fed
      // and graded as if it ran alone, and A itself gets the graders' waves.
      const inSequence = async (name: string, hostile: string, plain = noopStart) => {
        if (!(await ping())) await serve();
        const a = await warmSource(`${name}-a`, hostile);
        const b = await warmSource(`${name}-b`, plain);
        expect(b.stderr).toContain('running in the warm driver');
        return { a, b };
      };

      it(
        "a job whose import-time code patches the generator neither changes its own waves nor the next exercise's",
        async () => {
          const hostile = [
            'import sys',
            'sys.path.insert(0, "/opt/de-lab/gen")',
            'import events',
            'events.produce = lambda records, args: 0',
            'events.wave_records = lambda args: ([], {"events": 0, "late": 0, "malformed": 0})',
            noopStart,
          ].join('\n');
          const { a, b } = await inSequence('genpatch', hostile);
          expect(a.exitCode, a.stderr).toBe(0);
          expect(b.exitCode, b.stderr).toBe(0);
          expect(await topicRecords(`warm-test-genpatch-a-${process.pid}`)).toBe(20);
          expect(await topicRecords(`warm-test-genpatch-b-${process.pid}`)).toBe(20);
        },
        5 * 60_000,
      );

      it(
        'a raw _thread thread a job starts (invisible to threading.enumerate) ends with its run',
        async () => {
          const hostile = [
            'import _thread, sys, time',
            'def loop():',
            '    while True:',
            '        for name in ("events", "drive"):',
            '            module = sys.modules.get(name)',
            '            if module is not None and hasattr(module, "produce"):',
            '                module.produce = lambda *a, **k: 0',
            '            if module is not None and hasattr(module, "produce_wave"):',
            '                module.produce_wave = lambda *a, **k: {"events": 0, "late": 0, "malformed": 0}',
            '        time.sleep(0.05)',
            '_thread.start_new_thread(loop, ())',
            noopStart,
          ].join('\n');
          const { a, b } = await inSequence('rawthread', hostile);
          expect(a.exitCode, a.stderr).toBe(0);
          expect(b.exitCode, b.stderr).toBe(0);
          expect(await topicRecords(`warm-test-rawthread-b-${process.pid}`)).toBe(20);
        },
        5 * 60_000,
      );

      it(
        "a job that monkeypatches pyspark (withWatermark, DataStreamReader.load) does not change the next exercise's job",
        async () => {
          const hostile = [
            'from pyspark.sql import DataFrame',
            'from pyspark.sql.streaming import DataStreamReader',
            '_watermark = DataFrame.withWatermark',
            'DataFrame.withWatermark = lambda self, column, delay: _watermark(self, column, "10 minutes")',
            '_load = DataStreamReader.load',
            'DataStreamReader.load = lambda self, *a, **k: _load(self.option("maxOffsetsPerTrigger", 1), *a, **k)',
            noopStart,
          ].join('\n');
          // B's own watermark is 1 hour; it fails when it runs with anything but pyspark's own methods.
          const plain = [
            'from pyspark.sql import DataFrame',
            'from pyspark.sql.streaming import DataStreamReader',
            'def start(spark, cfg):',
            '    if DataFrame.withWatermark.__qualname__ != "DataFrame.withWatermark" or DataStreamReader.load.__qualname__ != "DataStreamReader.load":',
            '        raise RuntimeError("pyspark was patched before this job ran")',
            '    df = spark.readStream.format("kafka").option("kafka.bootstrap.servers", cfg.bootstrap).option("subscribe", cfg.topic).option("startingOffsets", "earliest").load()',
            '    df = df.withWatermark("timestamp", "1 hour")',
            '    return df.writeStream.format("noop").option("checkpointLocation", cfg.checkpoint).trigger(**cfg.trigger).start()',
            '',
          ].join('\n');
          const { a, b } = await inSequence('pysparkpatch', hostile, plain);
          expect(a.exitCode, a.stderr).toBe(0);
          expect(b.exitCode, b.stderr).toBe(0);
        },
        5 * 60_000,
      );

      it(
        'a job that changes the shared JVM (SparkContext conf, system property, listener, global temp view) ends the warm driver; the next exercise sees none of it',
        async () => {
          const hostile = kafkaJob(
            [
              'sc = spark.sparkContext; jvm = sc._jvm',
              'sc._jsc.sc().conf().set("spark.de-lab.leak", "A")',
              'jvm.java.lang.System.setProperty("de-lab.leak", "A")',
              'sc._jsc.sc().addSparkListener(jvm.org.apache.spark.scheduler.StatsReportListener())',
              'spark.sql("SELECT 1 AS leak").createOrReplaceGlobalTempView("leak")',
            ].join('; '),
          );
          const plain = kafkaJob(
            [
              'sc = spark.sparkContext; jvm = sc._jvm',
              'seen = [sc._jsc.sc().conf().getOption("spark.de-lab.leak").isDefined(), jvm.java.lang.System.getProperty("de-lab.leak") is not None, any("StatsReportListener" in l.getClass().getName() for l in sc._jsc.sc().listenerBus().listeners().toArray()), "leak" in [t.name for t in spark.catalog.listTables("global_temp")]]',
              'assert not any(seen), f"left by an earlier run: {seen}"',
            ].join('; '),
          );
          if (!(await ping())) await serve();
          const a = await warmSource('jvmstate-a', hostile);
          expect(a.exitCode, a.stderr).toBe(0);
          expect(a.stderr).toMatch(
            /the job changed state of the shared JVM \(.*\): the warm driver ends after this run/,
          );
          expect(await gone(10)).toBe(true);
          await serve(); // as de-lab grade does for the next exercise
          const b = await warmSource('jvmstate-b', plain);
          expectServedWarm(b);
        },
        5 * 60_000,
      );

      it(
        "the job's process gets data, never the seed: no process it can see has it on its command line",
        async () => {
          if (!(await ping())) await serve();
          const spy = kafkaJob(
            [
              'import glob',
              '    found = []',
              '    for f in glob.glob("/proc/[0-9]*/cmdline"):',
              '        try: found.append(open(f, "rb").read().replace(b"\\0", b" ").decode())',
              '        except OSError: pass',
              `    open(cfg.out + ".seen", "w").write("\\n".join(found))`,
            ].join('\n'),
          );
          const run = await warmSource('seedspy', spy);
          expect(run.exitCode, run.stderr).toBe(0);
          const seen = readFileSync(join(onHost, 'seedspy', 'out.seen'), 'utf8');
          expect(seen).not.toContain('4242');
          expect(seen).toContain('runner.py'); // it did look: the job's own process is in the list
        },
        5 * 60_000,
      );
    });

    it('refuses a bad option with one sentence and the next step', async () => {
      const result = await cli(['gen', 'day4', '--late-share', '2']);
      expect(result.exitCode).toBe(2);
      // commander validates it (argParser): the option, the value and what to give instead, in one sentence.
      expect(result.stderr).toContain("option '--late-share <x>' argument '2' is invalid");
      expect(result.stderr).toContain('Give a share between 0 and 1');
      const noGenerator = await cli(['gen', 'day1', '--json']);
      expect(noGenerator.exitCode).toBe(2);
      expect(JSON.parse(noGenerator.stdout).error.code).toBe('E_NO_GENERATOR');
    });
  });
});
