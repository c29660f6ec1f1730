import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { GRADER_CASES } from '../helpers/grader-cases.js';
import { root } from '../helpers/graders.js';

/** A grader command named by what it is asked: its file and its positional words, e.g. "day2.rb verify route-events app". */
function graderId(argv: string[]): string {
  const words = [basename(argv[1] ?? '')];
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--')) {
      if (a !== '--verdict') i++;
    } else if (!a.includes('{') && !a.startsWith('/')) words.push(a);
  }
  return words.join(' ');
}

/**
 * Grader commands with no fixture case yet, each with why. A new grader check fails this test until
 * it gets a case in test/helpers/grader-verdicts.ts or a line here.
 */
const WITHOUT_CASES: Record<string, string> = {
  'day2.rb verify kafka-output topics': 'reads the topics from a live Kafka (ruby-kafka), no file input',
  'day2.rb verify kafka-output keys': 'reads the topics from a live Kafka (ruby-kafka), no file input',
  'day2.rb verify reliable-forwarding nothing-lost': 'not written yet (needs a recorded run with the two aggregators)',
  'day2.rb verify reliable-forwarding standby-used': 'not written yet (needs a recorded run with the two aggregators)',
  'day2.rb verify reliable-forwarding secondary': 'not written yet (needs a recorded run with the two aggregators)',
  'day2.rb verify docker-logging lines': 'not written yet (needs a recorded run through the Docker fluentd log driver)',
  'day2.rb verify docker-logging tags': 'not written yet (needs a recorded run through the Docker fluentd log driver)',
  'compressed.sh': "asks the live broker's log segments (service: kafka)",
  'day5.py verify-raw ids': 'reads the topic from a live Kafka',
  'day5.py verify-raw time': 'reads the topic from a live Kafka',
  'day5.py verify-enriched keys': 'reads the topic from a live Kafka',
  'day5.py verify-enriched records': 'reads the topic from a live Kafka',
  'day5.py verify-enriched unique': 'reads the topic from a live Kafka',
  'day5.py verify-druid running': 'asks a live Druid (supervisor state)',
  'day5.py verify-druid totals': 'asks a live Druid (SQL)',
  'day5.py verify-druid hourly': 'asks a live Druid (SQL)',
  'day5.py verify-druid rollup': 'asks a live Druid (SQL)',
  'day5.py verify-druid segments': 'asks a live Druid (segment metadata)',
  'day5.py verify-backfill task': 'asks a live Druid (task status)',
  'day5.py verify-backfill replaced': 'asks a live Druid (SQL)',
  'day5.py verify-backfill kept': 'asks a live Druid (SQL)',
  'day5.py verify-backfill rollup': 'asks a live Druid (SQL)',
  'day5.py verify-reset': 'asks a live Kafka and Druid that nothing is left',
  'day5.py replay': 'replays through a live Kafka and Druid',
};

function labGraderIds(): Set<string> {
  const ids = new Set<string>();
  for (const day of readdirSync(join(root, 'labs')).filter((d) => /^day\d+$/.test(d))) {
    const dir = join(root, 'labs', day, 'exercises');
    for (const ex of readdirSync(dir)) {
      const doc = parse(readFileSync(join(dir, ex, 'exercise.yaml'), 'utf8')) as {
        checks?: { kind: string; command: string[] }[];
      };
      for (const check of doc.checks ?? []) if (check.kind === 'grader') ids.add(graderId(check.command));
    }
  }
  return ids;
}

describe('grader fixture cases', () => {
  const inLabs = labGraderIds();
  const tested = new Set(GRADER_CASES.map((c) => graderId(c.argv)));

  it('cover every grader command of the labs, or say why not', () => {
    const uncovered = [...inLabs].filter((id) => !tested.has(id) && !(id in WITHOUT_CASES));
    expect(uncovered).toEqual([]);
  });

  it('name only grader commands the labs still call', () => {
    expect([...tested, ...Object.keys(WITHOUT_CASES)].filter((id) => !inLabs.has(id))).toEqual([]);
  });

  it('have a pass, a fail and a malformed or empty input for every command they test', () => {
    const outcomes = new Map<string, Set<boolean | 'bad'>>();
    for (const c of GRADER_CASES) {
      const seen = outcomes.get(graderId(c.argv)) ?? new Set();
      seen.add(c.want.ok);
      if (/\/(malformed|empty|missing)[^/]*$/.test(c.name)) seen.add('bad');
      outcomes.set(graderId(c.argv), seen);
    }
    const short = [...outcomes].filter(([, seen]) => seen.size < 3).map(([id]) => id);
    expect(short).toEqual([]);
  });
});
