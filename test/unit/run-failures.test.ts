import { describe, expect, it } from 'vitest';
import {
  defaultFailureSignatures,
  OutputTail,
  recogniseFailure,
  type FailureSignature,
} from '../../src/stack/run-failures.js';
import { labSchema } from '../../src/course/schema.js';

const vars = {
  day: 'day4',
  exercise: 'parse-events',
  file: '/ws/day4/parse-events/parse_events.py',
  dir: '/ws/day4/parse-events',
};
const recognise = (output: string, exitCode = 1, extra: FailureSignature[] = []) =>
  recogniseFailure(output, exitCode, [...extra, ...defaultFailureSignatures], vars);

// Shortened from real runs: the last lines of a 131-line trace of day 4 before `de-lab gen`.
const missingTopic = `26/11/25 23:01:12 WARN NetworkClient: Error while fetching metadata with correlation id 2 : {events=UNKNOWN_TOPIC_OR_PARTITION}
Traceback (most recent call last):
  File "/home/spark/work/day4/parse-events/parse_events.py", line 70, in <module>
pyspark.errors.exceptions.captured.StreamingQueryException: [STREAM_FAILED] Query terminated with exception: org.apache.kafka.common.errors.UnknownTopicOrPartitionException: This server does not host this topic-partition.`;

describe('known failures of `de-lab run` (issue 16 item 4)', () => {
  it('a missing Kafka topic says to run gen first, with the exact command', () => {
    const known = recognise(missingTopic);
    expect(known?.id).toBe('kafka-missing-topic');
    expect(known?.message.en).toContain('`de-lab gen day4`');
    expect(known?.message.en).toContain('`de-lab run day4 parse-events`');
  });

  it('a lost checkpoint names the checkpoint folder to move', () => {
    const known = recognise(
      "java.lang.IllegalStateException: Partition events-0's offset was changed from 1200 to 0, Some data may have been lost because they are not available in Kafka any more",
    );
    expect(known?.id).toBe('lost-checkpoint');
    expect(known?.message.en).toContain('/ws/day4/parse-events/checkpoint');
  });

  it('out of memory: a Java OutOfMemoryError, or exit 137 without any message', () => {
    expect(recognise('Exception in thread "main" java.lang.OutOfMemoryError: Java heap space')?.id).toBe(
      'out-of-memory',
    );
    expect(recognise('', 137)?.id).toBe('killed-137');
  });

  it('Python syntax errors and missing modules name the problem', () => {
    const syntax = recognise(
      '  File "/home/spark/work/day4/parse-events/parse_events.py", line 12\n    def f(\n         ^\nSyntaxError: \'(\' was never closed',
    );
    expect(syntax?.id).toBe('python-syntax');
    expect(syntax?.message.en).toContain('SyntaxError');
    expect(syntax?.message.en).toContain('/ws/day4/parse-events/parse_events.py');
    expect(recognise("ModuleNotFoundError: No module named 'kafka'")?.message.en).toContain('"kafka"');
  });

  it('a success, or an unknown failure, adds nothing', () => {
    expect(recognise(missingTopic, 0)).toBeUndefined();
    expect(recognise("ValueError: something of the learner's own")).toBeUndefined();
  });

  it("a lab's own signatures (lab.yaml failures:) come first and are validated by the lab schema", () => {
    const own: FailureSignature = {
      id: 'day-specific',
      match: 'UnknownTopicOrPartitionException',
      message: {
        en: 'Run `de-lab gen {day} --topic clicks` first.',
        ko: '먼저 `de-lab gen {day} --topic clicks`를 실행하세요.',
      },
    };
    expect(recognise(missingTopic, 1, [own])?.message.en).toBe('Run `de-lab gen day4 --topic clicks` first.');
    const base = { id: 'day4', title: { en: 'x', ko: 'x' }, summary: { en: 'x', ko: 'x' }, memoryMiB: 1 };
    expect(labSchema.safeParse({ ...base, failures: [own] }).success).toBe(true);
    expect(labSchema.safeParse({ ...base, failures: [{ id: 'no-match', message: own.message }] }).success).toBe(false);
  });

  it('keeps only the tail of a long output', () => {
    const tail = new OutputTail(10);
    for (let i = 0; i < 100; i++) tail.push(`line ${i}\n`);
    expect(tail.toString()).toBe('8\nline 99\n');
  });
});
