import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { labsDir } from '../../src/core/paths.js';
import { findLab, listLabs } from '../../src/course/labs.js';
import { plannedDays } from '../../src/course/planned.js';
import { copyCourse } from '../helpers/course.js';

const planned = `- id: day3\n  title:\n    en: "Stream collection with Fluentd"\n    ko: "Fluentd로 스트림 수집"\n  teaches:\n    en: "Fluentd inputs, buffers and routing."\n    ko: "Fluentd 입력, 버퍼, 라우팅."\n`;

describe('a day without a lab yet (issue 16 item 7)', () => {
  it('says the day is coming and what it teaches, unlike an unknown day', () => {
    const root = copyCourse();
    writeFileSync(join(root, 'planned-days.yaml'), planned);
    expect(() => findLab('day3', root)).toThrowError(
      /day3 \(Stream collection with Fluentd\) is coming.*Fluentd inputs, buffers and routing/,
    );
    expect(() => findLab('3', root)).toThrowError(expect.objectContaining({ code: 'E_LAB_COMING' }));
    expect(() => findLab('day9', root)).toThrowError(expect.objectContaining({ code: 'E_NO_LAB' }));
  });

  it('uses the lab as soon as labs/dayN/lab.yaml exists', () => {
    const root = copyCourse();
    writeFileSync(join(root, 'planned-days.yaml'), planned);
    const first = listLabs(root)[0]!;
    cpSync(first.dir, join(root, 'day3'), { recursive: true });
    writeFileSync(
      join(root, 'day3', 'lab.yaml'),
      readFileSync(join(first.dir, 'lab.yaml'), 'utf8').replace(/^id: .*$/m, 'id: day3'),
    );
    expect(findLab('day3', root).id).toBe('day3');
  });

  it("the course's own planned-days.yaml is valid and lists only days 1-9 that have no lab yet", () => {
    const days = plannedDays(labsDir); // throws on a file that does not validate
    for (const day of days) {
      expect(day.id).toMatch(/^day[1-9]$/);
      expect(day.teaches.ko.length).toBeGreaterThan(0);
      expect(existsSync(join(labsDir, day.id, 'lab.yaml')), `${day.id} has a lab: drop its planned entry`).toBe(false);
    }
  });
});
