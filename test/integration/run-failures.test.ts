// `de-lab run` adds one sentence with the next command after a known failure, and keeps the full
// output (issue 16 item 4). A private fixture day (day6) with one tools container runs a script
// that fails like day 4 does before `de-lab gen`.
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deLab, isolatedEnv } from '../helpers/cli.js';
import { goodCourse, tempDir } from '../helpers/course.js';

const labs = tempDir('de-lab-run-');
const ws = join(tempDir('de-lab-run-ws-'), 'ws');
const env = isolatedEnv({ DE_LAB_LABS_DIR: labs, DE_LAB_WORKSPACE: ws });
const run = (args: string[]) => deLab(args, { env, cwd: ws });

async function cleanup(): Promise<void> {
  await execa('docker', ['compose', '-p', 'de-lab-day6', 'down', '-v', '--remove-orphans'], { reject: false });
}

describe('run recognises known failures', () => {
  beforeAll(async () => {
    await cleanup();
    cpSync(join(goodCourse, 'day1'), join(labs, 'day6'), { recursive: true });
    rmSync(join(labs, 'day6', 'exercises', 'word-count'), { recursive: true });
    const lab = readFileSync(join(labs, 'day6', 'lab.yaml'), 'utf8')
      .replace('id: day1', 'id: day6')
      .replace(/exercises:\n(  - .*\n)+/, 'exercises:\n  - hello-file\n');
    writeFileSync(join(labs, 'day6', 'lab.yaml'), lab);
    writeFileSync(
      join(labs, 'day6', 'compose.yaml'),
      'services:\n  tools:\n    image: debian:bookworm-slim\n    init: true\n    command: ["sleep", "infinity"]\n    volumes:\n      - ${DE_LAB_WORKSPACE:-./workspace}/day6:/work\n',
    );
    const init = await deLab(['init', ws], { env });
    expect(init.exitCode, init.stderr).toBe(0);
    const start = await run(['start', 'day6']);
    expect(start.exitCode, start.stderr).toBe(0);
  });
  afterAll(cleanup);

  it('a missing Kafka topic: the whole trace, then one sentence with `de-lab gen`', async () => {
    const trace = Array.from(
      { length: 120 },
      (_, i) => `echo "\tat org.apache.spark.Frame${i}(Frame.java:${i})" >&2`,
    ).join('\n');
    writeFileSync(
      join(ws, 'day6', 'hello-file', 'hello.sh'),
      `${trace}\necho "org.apache.kafka.common.errors.UnknownTopicOrPartitionException: This server does not host this topic-partition." >&2\nexit 1\n`,
    );
    const result = await run(['run', 'day6', 'hello-file']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('Frame0(Frame.java:0)');
    expect(result.stderr).toContain('Frame119(Frame.java:119)');
    const last = result.stderr.trim().split('\n').slice(-2);
    expect(last[0]).toContain('de-lab gen day6');
    expect(last[1]).toContain(join(ws, '.de-lab', 'runs', 'day6-hello-file.log'));
    expect(readFileSync(join(ws, '.de-lab', 'runs', 'day6-hello-file.log'), 'utf8')).toContain('Frame0(Frame.java:0)');
  });

  it('a Python-style syntax error, and a plain failure, get their own sentence', async () => {
    writeFileSync(join(ws, 'day6', 'hello-file', 'hello.sh'), 'echo "SyntaxError: invalid syntax" >&2\nexit 1\n');
    const syntax = await run(['run', 'day6', 'hello-file']);
    expect(syntax.stderr).toMatch(/fix the line the SyntaxError above points at in .*hello\.sh/);
    writeFileSync(join(ws, 'day6', 'hello-file', 'hello.sh'), 'echo "no idea" >&2\nexit 3\n');
    const plain = await run(['run', 'day6', 'hello-file']);
    expect(plain.exitCode).toBe(3);
    expect(plain.stderr).toContain('Read the error above');
  });
});
