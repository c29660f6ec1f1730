import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderDoctor } from '../../src/cli/commands/doctor.js';
import { findLab } from '../../src/course/labs.js';
import { checkDayBudget } from '../../src/doctor/doctor.js';
import { configureColor } from '../../src/ui/style.js';

const lab = findLab('day9', join(import.meta.dirname, '..', 'fixtures', 'stacks'));
const port = lab.ports[0]!.port;
const server = createServer();

beforeAll(async () => {
  configureColor(false);
  // The tests need the port held, by this server or by another run of this suite on the same machine.
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => (error.code === 'EADDRINUSE' ? resolve() : reject(error)));
    server.listen(port, '127.0.0.1', resolve);
  });
});
afterAll(() => new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve())));

describe('doctor while a day runs (issue 16 item 9)', () => {
  it('does not call a running day\'s own ports "in use"', async () => {
    const check = await checkDayBudget(lab, undefined, true, new Map([[`de-lab-${lab.id}`, new Set([port])]]));
    expect(check.verdict).toBe('ok');
    expect(check.summary).toContain('running now');
  });

  it('still warns when something else holds the port, naming the day that holds it', async () => {
    const alone = await checkDayBudget(lab, undefined, true, new Map());
    expect(alone.verdict).toBe('warn');
    expect(alone.summary).toContain(String(port));
    // Like `start`, doctor names the program that holds it (this test's own process).
    expect(alone.hint).toContain(`(pid ${process.pid})`);
    const byOther = await checkDayBudget(lab, undefined, true, new Map([['de-lab-day4', new Set([port])]]));
    expect(byOther.hint).toContain('de-lab stop day4');
  });

  it("suggests the running day's exercises, not starting day 1", () => {
    expect(renderDoctor({ ok: true, checks: [], runningDays: ['day4'], firstDay: 'day1' })).toContain(
      'Next: de-lab exercise day4',
    );
    expect(renderDoctor({ ok: true, checks: [], runningDays: [], firstDay: 'day1' })).toContain(
      'Next: de-lab start day1',
    );
  });
});
