import { nonEmptyReference } from '../verdict.js';
import { canonical, matchMultisets, short, type Verdict } from '../compare.js';
import { execService, serviceContainerId } from '../../stack/sandbox/containers.js';
import type { RunContext } from '../context.js';
import type { Check } from '../schema.js';
import { allOf, field, type CheckKind } from './types.js';

type KafkaCheck = Extract<Check, { kind: 'kafka-topic' }>;

const SEPARATOR = '\u0001';

async function kafka(
  ctx: RunContext,
  check: KafkaCheck,
  command: string[],
): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const containerId = await serviceContainerId(ctx.docker, ctx.dayProject, check.service);
  return execService({ docker: ctx.docker, containerId, command, timeoutMs: check.timeoutSec * 1000 });
}

/** Reads a topic with Kafka's own tools inside its container, so no client library pins a protocol version. */
export const kafkaTopicKind: CheckKind<KafkaCheck> = {
  needsReference: (check) => check.expect.count === 'reference' || check.expect.records === 'reference',
  async observe(ctx, check) {
    // The image's LOCAL listener answers inside the container whatever the service is called.
    const bootstrap = ['--bootstrap-server', 'localhost:9094'];
    const getOffsets = ['kafka-get-offsets.sh', ...bootstrap, '--topic', check.topic];
    const lines = (text: string) => text.split('\n').filter((line) => line.startsWith(`${check.topic}:`));
    // get-offsets lists one line per partition and fails for a missing topic (no describe needed);
    // the checks of one run that read the same topic share what it found (one tool start each).
    const key = `kafka-offsets:${check.service}:${check.topic}`;
    let offsetsOf = ctx.memo.get(key) as Promise<[string, string] | undefined> | undefined;
    if (!offsetsOf) {
      offsetsOf = (async () => {
        const latest = await kafka(ctx, check, [...getOffsets, '--time', '-1']);
        if (latest.exitCode !== 0 || lines(latest.stdout).length === 0) return undefined;
        const earliest = await kafka(ctx, check, [...getOffsets, '--time', '-2']);
        return [latest.stdout, earliest.stdout] as [string, string];
      })();
      ctx.memo.set(key, offsetsOf);
    }
    const found = await offsetsOf;
    if (!found) return { exists: false };
    const partitions = lines(found[0]).length;
    const sum = (text: string) => lines(text).reduce((total, line) => total + Number(line.split(':')[2] ?? 0), 0);
    const count = sum(found[0]) - sum(found[1]);
    let records: Array<[string, unknown]> | undefined;
    if (check.expect.records) {
      const consumed = await kafka(ctx, check, [
        'kafka-console-consumer.sh',
        ...bootstrap,
        '--topic',
        check.topic,
        '--from-beginning',
        '--max-messages',
        String(count),
        '--timeout-ms',
        '20000',
        '--property',
        'print.key=true',
        '--property',
        `key.separator=${SEPARATOR}`,
      ]);
      records = consumed.stdout
        .split('\n')
        .filter((line) => line.includes(SEPARATOR))
        .map((line) => {
          const [key, ...rest] = line.split(SEPARATOR);
          const value = rest.join(SEPARATOR);
          try {
            return [key!, canonical(JSON.parse(value))];
          } catch {
            return [key!, value];
          }
        });
    }
    return { exists: true, partitions, count, records };
  },
  judge(
    check,
    observed: { exists: boolean; partitions?: number; count?: number; records?: Array<[string, unknown]> },
    reference,
  ) {
    const wantExists = check.expect.exists ?? true;
    if (!observed.exists)
      return {
        ok: !wantExists,
        expected: wantExists ? `topic ${check.topic} exists` : `no topic ${check.topic}`,
        found: 'no such topic',
      };
    if (!wantExists) return { ok: false, expected: `no topic ${check.topic}`, found: 'it exists' };
    const verdicts: Verdict[] = [{ ok: true, expected: `topic ${check.topic}`, found: 'exists' }];
    if (check.expect.partitions !== undefined)
      verdicts.push(field('partitions', check.expect.partitions, observed.partitions));
    if (check.expect.count !== undefined) {
      const expected = check.expect.count === 'reference' ? reference?.count : check.expect.count;
      if (check.expect.count === 'reference' && expected === 0) nonEmptyReference([], 'records');
      verdicts.push(field('records', expected, observed.count));
    }
    if (check.expect.records === 'reference') {
      // No reference records means nothing to equal: fail (an empty topic must not pass).
      if (!Array.isArray(reference?.records))
        return {
          ok: false,
          expected: "the reference solution's records",
          found: reference?.exists === false ? 'the reference produced no topic' : 'no reference records',
        };
      verdicts.push(
        compareByKey(observed.records ?? [], nonEmptyReference(reference.records, 'records'), check.expect.tolerance),
      );
    }
    return allOf(verdicts);
  },
};

/** Multiset of (key, value) pairs: duplicates and gaps both fail. */
export function compareByKey(
  actual: Array<[string, unknown]>,
  expected: Array<[string, unknown]>,
  tolerance: number,
): Verdict {
  const { extra, missing } = matchMultisets(actual, expected, tolerance);
  const ok = missing.length === 0 && extra.length === 0;
  const firstMissing = missing.length ? expected[missing[0]!] : undefined;
  const firstExtra = extra.length ? actual[extra[0]!] : undefined;
  return {
    ok,
    expected: `${expected.length} records equal to the reference's by key`,
    found: ok
      ? `${actual.length} matching records`
      : `${actual.length} records; ${missing.length} missing${firstMissing ? ` (e.g. key ${short(firstMissing[0], 40)})` : ''}, ${extra.length} unexpected or duplicated${firstExtra ? ` (e.g. key ${short(firstExtra[0], 40)})` : ''}`,
  };
}
