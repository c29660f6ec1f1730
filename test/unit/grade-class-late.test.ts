import { describe, expect, it } from 'vitest';
import { parseClassFile } from '../../src/grading/grade/class-file.js';
import { daysLate, lateness, parseDeadline, penaltyPoints } from '../../src/grading/grade/late.js';

const CLASS = `learners:
  - id: kim-minji
    name: 김민지
    lmsId: 1001
    email: minji@example.edu
deadlines:
  day1: 2026-03-02T23:59:00+09:00
  day2: { at: "2026-03-07 23:59", zone: America/New_York }
late:
  perDay: 10
  cap: 30
  days:
    day2: { flat: 25 }
  waivers:
    - learner: lee-jun
      day: day1
      reason: hospital, note from the office
`;

const thrown = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('did not throw');
};

describe('class.yaml', () => {
  it('reads learners, deadlines in both forms and the late policy', () => {
    const file = parseClassFile(CLASS);
    expect(file.learners[0]).toEqual({ id: 'kim-minji', name: '김민지', lmsId: '1001', email: 'minji@example.edu' });
    expect(file.deadlines.day1).toEqual({ at: '2026-03-02T23:59:00.000+09:00', zone: 'UTC+9' });
    expect(file.deadlines.day2).toEqual({ at: '2026-03-07T23:59:00.000-05:00', zone: 'America/New_York' });
    expect(file.late?.cap).toBe(30);
  });

  it('refuses a deadline without a time zone, naming the line', () => {
    const text = 'deadlines:\n  day1: 2026-03-02T23:59:00+09:00\n  day3: "2026-03-16 23:59"\n';
    expect(thrown(() => parseClassFile(text))).toBe(
      'class.yaml:3: deadlines.day3: the deadline "2026-03-16 23:59" has no time zone: write it as 2026-03-02T23:59:00+09:00 or as { at: "2026-03-02 23:59", zone: Asia/Seoul }',
    );
    expect(thrown(() => parseClassFile('deadlines:\n  day1: 2026-03-02\n'))).toMatch(/^class\.yaml:2: .*no time zone/);
  });

  it('names the line of broken YAML, unknown keys, bad zones and doubled learners', () => {
    expect(thrown(() => parseClassFile('learners:\n  - id: a\n   name: b\n'))).toMatch(/^class\.yaml:3: invalid YAML/);
    expect(thrown(() => parseClassFile('late:\n  perDay: 10\n  kap: 5\n'))).toMatch(
      /^class\.yaml:3: late: Unrecognized key: "kap"/,
    );
    expect(thrown(() => parseClassFile('deadlines:\n  day1: { at: "2026-03-02 23:59", zone: Mars/Base }\n'))).toMatch(
      /^class\.yaml:2: deadlines\.day1\.zone: not a time zone/,
    );
    expect(thrown(() => parseClassFile('learners:\n  - id: a\n  - id: a\n'))).toBe(
      'class.yaml:3: learner "a" is listed twice',
    );
    expect(thrown(() => parseClassFile('late:\n  perDay: 10\n  flat: 5\n'))).toMatch(/give perDay or flat, not both/);
  });
});

describe('late arithmetic', () => {
  const seoul = parseDeadline('2026-03-02T23:59:00+09:00') as { at: string; zone: string };

  it('counts started days late in the deadline zone', () => {
    expect(daysLate(seoul, '2026-03-02T14:59:00Z')).toBe(0); // exactly on time
    expect(daysLate(seoul, '2026-03-02T15:00:00Z')).toBe(1); // a minute late
    expect(daysLate(seoul, '2026-03-03T14:59:00Z')).toBe(1); // 24 h late
    expect(daysLate(seoul, '2026-03-03T14:59:01Z')).toBe(2);
  });

  it('counts a day across a DST change as a calendar day (23 hours in spring)', () => {
    // New York moves to summer time on 2026-03-08: the day after 03-07 23:59 EST ends at 03-08 23:59 EDT, 23 h later.
    const ny = parseDeadline({ at: '2026-03-07 23:59', zone: 'America/New_York' }) as { at: string; zone: string };
    expect(daysLate(ny, '2026-03-09T03:58:00Z')).toBe(1); // 03-08 23:58 EDT: 22 h 59 min late
    expect(daysLate(ny, '2026-03-09T04:00:00Z')).toBe(2); // 03-09 00:00 EDT
  });

  it('applies per-day, flat, the cap and a waiver with its reason', () => {
    const submitted = { at: '2026-03-05T01:00:00Z', from: 'archive' as const }; // 3 started days late
    const policy = parseClassFile(CLASS).late!;
    const perDay = lateness({ learner: 'kim-minji', day: 'day1', deadline: seoul, submitted, policy });
    expect(perDay).toMatchObject({ daysLate: 3, percent: 30, lateSeconds: 2 * 86400 + 10 * 3600 + 60 });
    const capped = lateness({
      learner: 'kim-minji',
      day: 'day1',
      deadline: seoul,
      submitted: { at: '2026-03-12T00:00:00Z', from: 'commit' },
      policy,
    });
    expect(capped.percent).toBe(30);
    const flat = lateness({ learner: 'kim-minji', day: 'day2', deadline: seoul, submitted, policy });
    expect(flat.percent).toBe(25);
    const waived = lateness({ learner: 'lee-jun', day: 'day1', deadline: seoul, submitted, policy });
    expect(waived).toMatchObject({ daysLate: 3, percent: 0, waiver: 'hospital, note from the office' });
    const onTime = lateness({
      learner: 'lee-jun',
      day: 'day1',
      deadline: seoul,
      submitted: { at: seoul.at, from: 'folder' },
      policy,
    });
    expect(onTime.waiver).toBeUndefined();
    expect(penaltyPoints(7, 30)).toBe(2.1);
  });
});
