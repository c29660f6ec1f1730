import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { composeServices } from '../../src/stack/compose.js';
import { findLab } from '../../src/course/labs.js';
import { earlierDataNotice, emptyCommand, namesOf, type DataFound } from '../../src/stack/earlier-data.js';
import { setLang } from '../../src/i18n/lang.js';

// `start` and `gen` say what a day's stack already holds from earlier runs, and how to empty it.

const topics: DataFound = {
  what: { en: 'Kafka topics', ko: 'Kafka 토픽' },
  names: ['ratings-raw', 'ratings-enriched', 'a', 'b', 'c'],
  showNames: true,
};
const runs: DataFound = {
  what: { en: 'Spark runs in the History Server', ko: 'History Server의 Spark 실행' },
  names: ['local-1', 'local-2'],
  showNames: false,
};

describe('earlier data in a day’s stack', () => {
  it('reads one name a line, each once', () => {
    expect(namesOf('ratings\n\n  ratings-raw \nratings\n')).toEqual(['ratings', 'ratings-raw']);
    expect(namesOf('\n')).toEqual([]);
  });

  it('says nothing when the stack holds nothing', () => {
    expect(earlierDataNotice('day5', [])).toBeUndefined();
  });

  it('names what is there and the exact command that empties it, in English and Korean', () => {
    const en = earlierDataNotice('day5', [topics, runs])!;
    expect(en).toContain('Kafka topics: 5 (ratings-raw, ratings-enriched, a, b, …)');
    expect(en).toContain('Spark runs in the History Server: 2');
    expect(en).not.toContain('local-1');
    expect(en).toContain('de-lab stop day5 --purge --yes && de-lab start day5');
    expect(earlierDataNotice('day4', [topics], true)).toContain('what gen makes is added to it');
    setLang('ko');
    try {
      const ko = earlierDataNotice('day5', [topics, runs])!;
      expect(ko).toContain('Kafka 토픽 5개(ratings-raw');
      expect(ko).toContain('History Server의 Spark 실행 2개');
      expect(ko).toContain(emptyCommand('day5'));
    } finally {
      setLang('en');
    }
  });

  it('every day’s probe runs in a service of its compose file', () => {
    for (const day of ['day2', 'day3', 'day4', 'day5']) {
      const lab = findLab(day);
      expect(lab.data.length, day).toBeGreaterThan(0);
      const services = composeServices(lab.composeFile).map((s) => s.name);
      for (const probe of lab.data) expect(services, `${day}: ${probe.service}`).toContain(probe.service);
    }
  });

  it('the Kafka probe lists topics from the data folder, without partitions, internals and deleted ones', () => {
    const dir = mkdtempSync(join(tmpdir(), 'de-lab-kafka-data-'));
    try {
      for (const name of [
        'ratings-raw-0',
        'ratings-raw-1',
        'events-2-0',
        '__consumer_offsets-7',
        '__cluster_metadata-0',
        'old-0.5f1c2d-delete',
      ])
        mkdirSync(join(dir, name));
      writeFileSync(join(dir, 'meta.properties'), '');
      const probe = findLab('day5').data.find((p) => p.service === 'kafka')!;
      const script = probe.list[2]!.replace('/var/lib/kafka/data', dir);
      expect(namesOf(execFileSync('sh', ['-c', script], { encoding: 'utf8' }))).toEqual(['events-2', 'ratings-raw']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the History Server probe counts finished logs only', () => {
    const dir = mkdtempSync(join(tmpdir(), 'de-lab-spark-events-'));
    try {
      for (const name of ['local-1', 'local-2', 'local-3.inprogress']) writeFileSync(join(dir, name), '');
      mkdirSync(join(dir, 'a1b2c3d4')); // a check's own folder
      const probe = findLab('day3').data[0]!;
      const script = probe.list[2]!.replace('/opt/spark-events', dir);
      expect(namesOf(execFileSync('sh', ['-c', script], { encoding: 'utf8' })).sort()).toEqual(['local-1', 'local-2']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
