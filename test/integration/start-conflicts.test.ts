// `start dayN` while another day runs: stop the other day only for a real conflict (issue 16 item 6).
// Private fixture days day6/day7 in a temp course, so no other test's stacks are touched.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deLab, isolatedEnv } from '../helpers/cli.js';
import { tempDir } from '../helpers/course.js';

const labs = tempDir('de-lab-conflicts-');
const projects = ['de-lab-day6', 'de-lab-day7'];

function writeDay(id: string, port: number, memoryMiB: number): void {
  mkdirSync(join(labs, id), { recursive: true });
  writeFileSync(
    join(labs, id, 'lab.yaml'),
    `id: ${id}\ntitle: { en: "Fixture ${id}", ko: "테스트 ${id}" }\nsummary: { en: "One service.", ko: "서비스 하나." }\nmemoryMiB: ${memoryMiB}\nports:\n  - { port: ${port}, service: web, purpose: { en: "test", ko: "테스트" } }\n`,
  );
  writeFileSync(
    join(labs, id, 'compose.yaml'),
    `services:\n  web:\n    image: debian:bookworm-slim\n    init: true\n    command: ["sleep", "infinity"]\n    ports: ["127.0.0.1:${port}:80"]\n`,
  );
}

const run = (args: string[]) => deLab(args, { env: isolatedEnv({ DE_LAB_LABS_DIR: labs }) });
const running = async (project: string) =>
  String(
    (await execa('docker', ['ps', '-q', '--filter', `label=com.docker.compose.project=${project}`])).stdout,
  ).trim() !== '';

async function cleanup(): Promise<void> {
  for (const project of projects)
    await execa('docker', ['compose', '-p', project, 'down', '-v', '--remove-orphans'], { reject: false });
}

describe('start while another day runs', () => {
  beforeAll(cleanup);
  afterAll(cleanup);

  it('starts next to a day that shares no port and fits in memory, without asking', async () => {
    writeDay('day6', 18961, 64);
    writeDay('day7', 18962, 64);
    expect((await run(['start', 'day6'])).exitCode).toBe(0);
    const second = await run(['start', 'day7']);
    expect(second.exitCode, second.stderr).toBe(0);
    expect(await running('de-lab-day6')).toBe(true);
    expect(await running('de-lab-day7')).toBe(true);
    await run(['stop', 'day7']);
  });

  it('refuses without a terminal when a host port is shared, naming the day and the port; --yes stops only that day', async () => {
    writeDay('day7', 18961, 64);
    const refused = await run(['start', 'day7']);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('day6 uses port 18961 that day7 needs');
    expect(await running('de-lab-day6')).toBe(true);
    const forced = await run(['start', 'day7', '--yes']);
    expect(forced.exitCode, forced.stderr).toBe(0);
    expect(forced.stderr).toContain('Stopped day6');
    expect(await running('de-lab-day6')).toBe(false);
    expect(await running('de-lab-day7')).toBe(true);
    await run(['stop', 'day7']);
  });

  it('names memory as the conflict when both budgets do not fit the engine', async () => {
    const total = Number(String((await execa('docker', ['info', '--format', '{{.MemTotal}}'])).stdout).trim());
    writeDay('day6', 18961, 64);
    writeDay('day7', 18962, Math.floor(total / 1024 / 1024) - 32);
    expect((await run(['start', 'day6'])).exitCode).toBe(0);
    // No --yes: nothing is stopped (other days on this engine are left alone too).
    const refused = await run(['start', 'day7']);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('day6 and day7 together need more memory than the engine has');
    expect(await running('de-lab-day6')).toBe(true);
  });
});
