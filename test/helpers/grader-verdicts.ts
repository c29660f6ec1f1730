import type { GraderVerdict } from '../../src/grading/verdict.js';

/**
 * The whole verdict each grader gives on each fixture (test/fixtures/graders/<day>/<subcommand>/<outcome>),
 * for the aspect or field `key` (`-` when the grader has none). Read by grader-cases.ts.
 */
const E: Record<string, string> = {
  'day2/route-events app': 'every app.** event in out/app exactly once, nothing else',
  'day2/route-events tag-time': 'each out/app record with its tag and event time',
  'day2/route-events audit': 'every audit.* event on stdout exactly once, only those',
  'day2/route-events debug': 'debug.** events kept nowhere, every tag matched',
  'day2/tail-rotation parsed': 'every parsable line in out/access exactly once, code a number',
  'day2/tail-rotation per-day': "records per day (UTC) equal to the log's",
  'day2/tail-rotation unmatched': 'every malformed line in out/unmatched exactly once',
  'day2/parse-filter kept': 'exactly the prod, non-DEBUG events in out/orders, once each',
  'day2/parse-filter fields': 'service/env from the tag; typed user, amount, items, amount_cents',
  'day2/parse-filter time': 'event times from ts in Asia/Seoul',
  'day2/parse-filter legacy': 'legacy TSV rows once each, typed and timed with their offset',
  'day2/buffer-workers all-once': 'every metric in out/metrics.* exactly once',
  'day2/buffer-workers survived-crash':
    'nothing written before the flush; every buffered event written after the crash',
  'day2/buffer-workers paths': 'each record under out/<tag>/<yyyymmdd>/<HH>/<host>* of its event time',
  'day2/buffer-workers heartbeat': 'the heartbeat log read once',
  'day2/buffer-workers workers': 'two worker processes running the config',
  'day3/files -': '4 Parquet files in result, rows per file within ×1.2 of each other',
  'day4/checkpoint event_id':
    "the file sink committed rows with a field event_id, in the batches that the query's checkpoint/ committed",
  'day4/state -': "the join's state after the last batch holds under 70% of the records read",
  'day5/tail-settings -':
    'every in_tail with pos_file state/ratings.pos; every kafka output kafka2 with a file buffer, required_acks -1, compression, use_event_time; an @ERROR output',
  'day5/turnilo-verify listed': 'a cube ratings with dimensions genre, country and liked',
  'day5/turnilo-verify total': 'events through Turnilo = Druid SQL\'s SUM("count") (> 0)',
  'day5/turnilo-verify average': 'avg_rating through Turnilo = SUM(rating_sum) / SUM("count"), in total and per genre',
  'day5/turnilo-verify timezone': 'the cube shows time in Asia/Seoul',
  'day5/turnilo-verify refresh': 'refresh rule realtime',
  'day2/kafka-output settings': 'the kafka2 block receiving shop.orders: required_acks -1, compression_codec gzip',
  'day5/verify-raw-errors -': 'exactly the lines that are not JSON in errors/, as they were read',
};

export const VERDICTS: [fixture: string, key: string, want: GraderVerdict][] = [
  [
    'day2/route-events/empty',
    'app',
    { ok: false, expected: E['day2/route-events app']!, found: 'out/app: 125 of 125 missing, e.g. e7-1' },
  ],
  [
    'day2/route-events/fail',
    'app',
    { ok: false, expected: E['day2/route-events app']!, found: 'out/app: 1 of 125 missing, e.g. e7-6' },
  ],
  [
    'day2/route-events/malformed',
    'app',
    {
      ok: false,
      expected: E['day2/route-events app']!,
      found: 'out/app: a line that is not a record of this run at events.20260308.log:2: {"id": ',
    },
  ],
  [
    'day2/route-events/pass',
    'app',
    { ok: true, expected: E['day2/route-events app']!, found: 'out/app: all 125 exactly once' },
  ],
  [
    'day2/route-events/empty',
    'tag-time',
    { ok: false, expected: E['day2/route-events tag-time']!, found: 'out/app has no records' },
  ],
  [
    'day2/route-events/fail',
    'tag-time',
    {
      ok: false,
      expected: E['day2/route-events tag-time']!,
      found:
        'events.20260308.log:1: tag "app.wrong", expected "app.web" in a "tag" field: {"id": "e7-14", "user": 323, "action": "click", "tag": "app.wrong", "time": "2026-03-08T04:54:13Z"}',
    },
  ],
  [
    'day2/route-events/malformed',
    'tag-time',
    { ok: true, expected: E['day2/route-events tag-time']!, found: '125 records carry their tag and event time' },
  ],
  [
    'day2/route-events/pass',
    'tag-time',
    { ok: true, expected: E['day2/route-events tag-time']!, found: '125 records carry their tag and event time' },
  ],
  [
    'day2/route-events/empty',
    'audit',
    { ok: false, expected: E['day2/route-events audit']!, found: 'stdout (audit.*): 85 of 85 missing, e.g. e7-10' },
  ],
  [
    'day2/route-events/fail',
    'audit',
    { ok: false, expected: E['day2/route-events audit']!, found: 'stdout (audit.*): 1 of 85 missing, e.g. e7-10' },
  ],
  [
    'day2/route-events/malformed',
    'audit',
    { ok: true, expected: E['day2/route-events audit']!, found: 'stdout (audit.*): all 85 exactly once' },
  ],
  [
    'day2/route-events/pass',
    'audit',
    { ok: true, expected: E['day2/route-events audit']!, found: 'stdout (audit.*): all 85 exactly once' },
  ],
  [
    'day2/route-events/empty',
    'debug',
    {
      ok: false,
      expected: E['day2/route-events debug']!,
      found: "Fluentd's log of the run is missing (see the run step)",
    },
  ],
  [
    'day2/route-events/fail',
    'debug',
    {
      ok: false,
      expected: E['day2/route-events debug']!,
      found:
        'a debug.** event was kept at app/events.20260308.log:125: {"id": "e7-0", "tag": "debug.sql", "time": "2026-03-08T00:00:00Z"}',
    },
  ],
  [
    'day2/route-events/malformed',
    'debug',
    {
      ok: true,
      expected: E['day2/route-events debug']!,
      found: '90 debug.** events discarded on purpose, every tag matched (210 other events kept)',
    },
  ],
  [
    'day2/route-events/pass',
    'debug',
    {
      ok: true,
      expected: E['day2/route-events debug']!,
      found: '90 debug.** events discarded on purpose, every tag matched (210 other events kept)',
    },
  ],
  [
    'day2/tail-rotation/empty',
    'parsed',
    { ok: false, expected: E['day2/tail-rotation parsed']!, found: 'out/access: 1173 of 1173 missing, e.g. 7-000076' },
  ],
  [
    'day2/tail-rotation/fail',
    'parsed',
    { ok: false, expected: E['day2/tail-rotation parsed']!, found: 'out/access: 1 of 1173 missing, e.g. 7-000076' },
  ],
  [
    'day2/tail-rotation/malformed',
    'parsed',
    {
      ok: false,
      expected: E['day2/tail-rotation parsed']!,
      found: 'out/access: 1 records that do not belong here, e.g. access.20260308.log:2: {"id": ',
    },
  ],
  [
    'day2/tail-rotation/pass',
    'parsed',
    { ok: true, expected: E['day2/tail-rotation parsed']!, found: 'out/access: all 1173 exactly once' },
  ],
  [
    'day2/tail-rotation/empty',
    'per-day',
    {
      ok: false,
      expected: E['day2/tail-rotation per-day']!,
      found: 'records per day (UTC): expected {"2026-03-08"=>377, "2026-03-09"=>390, "2026-03-10"=>406}, found {}',
    },
  ],
  [
    'day2/tail-rotation/fail',
    'per-day',
    {
      ok: false,
      expected: E['day2/tail-rotation per-day']!,
      found:
        'access.20260308.log:3: time 2026-03-01T00:00:00Z is not the time in its log line: 2026-03-01T00:00:00+00:00\\tweb.access\\t{"host":"10.92.58.66","user":null,"method":"GET","path":"/?rid=7-000665","code":…',
    },
  ],
  [
    'day2/tail-rotation/malformed',
    'per-day',
    {
      ok: false,
      expected: E['day2/tail-rotation per-day']!,
      found: 'access.20260308.log:2 has no event time (out_file\'s default format or a "time" field): {"id": ',
    },
  ],
  [
    'day2/tail-rotation/pass',
    'per-day',
    {
      ok: true,
      expected: E['day2/tail-rotation per-day']!,
      found: 'records per day (UTC) {"2026-03-08"=>377, "2026-03-09"=>390, "2026-03-10"=>406}',
    },
  ],
  [
    'day2/tail-rotation/empty',
    'unmatched',
    {
      ok: false,
      expected: E['day2/tail-rotation unmatched']!,
      found: 'out/unmatched: 27 of 27 missing, e.g. 7-001083',
    },
  ],
  [
    'day2/tail-rotation/fail',
    'unmatched',
    { ok: false, expected: E['day2/tail-rotation unmatched']!, found: 'out/unmatched: 1 of 27 missing, e.g. 7-001083' },
  ],
  [
    'day2/tail-rotation/malformed',
    'unmatched',
    { ok: true, expected: E['day2/tail-rotation unmatched']!, found: 'out/unmatched: all 27 exactly once' },
  ],
  [
    'day2/tail-rotation/pass',
    'unmatched',
    { ok: true, expected: E['day2/tail-rotation unmatched']!, found: 'out/unmatched: all 27 exactly once' },
  ],
  [
    'day2/parse-filter/empty',
    'kept',
    {
      ok: false,
      expected: E['day2/parse-filter kept']!,
      found: 'out/orders (prod, not DEBUG): 142 of 142 missing, e.g. s7-0',
    },
  ],
  [
    'day2/parse-filter/fail',
    'kept',
    {
      ok: false,
      expected: E['day2/parse-filter kept']!,
      found: 'out/orders (prod, not DEBUG): 1 of 142 missing, e.g. s7-0',
    },
  ],
  [
    'day2/parse-filter/malformed',
    'kept',
    {
      ok: false,
      expected: E['day2/parse-filter kept']!,
      found: 'out/orders (prod, not DEBUG): a line that is not a record of this run at orders.20260308.log:2: {"id": ',
    },
  ],
  [
    'day2/parse-filter/pass',
    'kept',
    { ok: true, expected: E['day2/parse-filter kept']!, found: 'out/orders (prod, not DEBUG): all 142 exactly once' },
  ],
  [
    'day2/parse-filter/empty',
    'fields',
    {
      ok: false,
      expected: E['day2/parse-filter fields']!,
      found: 'out/orders has no kept event of this run (0 lines)',
    },
  ],
  [
    'day2/parse-filter/fail',
    'fields',
    {
      ok: false,
      expected: E['day2/parse-filter fields']!,
      found:
        'orders.20260308.log:1: service is "nope", expected "cart" (text): {"level": "INFO", "req": "s7-5", "user": 454, "action": "refund", "amount": 532.15, "items": 4, "service": "nope", "env": "prod", "am…',
    },
  ],
  [
    'day2/parse-filter/malformed',
    'fields',
    {
      ok: true,
      expected: E['day2/parse-filter fields']!,
      found: '142 records have service/env from the tag and typed user, amount, items, amount_cents',
    },
  ],
  [
    'day2/parse-filter/pass',
    'fields',
    {
      ok: true,
      expected: E['day2/parse-filter fields']!,
      found: '142 records have service/env from the tag and typed user, amount, items, amount_cents',
    },
  ],
  [
    'day2/parse-filter/empty',
    'time',
    { ok: false, expected: E['day2/parse-filter time']!, found: 'out/orders has no kept event of this run (0 lines)' },
  ],
  [
    'day2/parse-filter/fail',
    'time',
    {
      ok: false,
      expected: E['day2/parse-filter time']!,
      found:
        'orders.20260308.log:1: time "2026-03-08T00:00:00Z", expected 2026-03-08T15:42:31Z (ts 2026-03-09 00:42:31 is Seoul time, +09:00): {"level": "INFO", "req": "s7-5", "user": 454, "action": "refund", "am…',
    },
  ],
  [
    'day2/parse-filter/malformed',
    'time',
    { ok: true, expected: E['day2/parse-filter time']!, found: '142 event times taken from ts in Asia/Seoul' },
  ],
  [
    'day2/parse-filter/pass',
    'time',
    { ok: true, expected: E['day2/parse-filter time']!, found: '142 event times taken from ts in Asia/Seoul' },
  ],
  [
    'day2/parse-filter/empty',
    'legacy',
    { ok: false, expected: E['day2/parse-filter legacy']!, found: 'out/legacy: 80 of 80 missing, e.g. l7-0' },
  ],
  [
    'day2/parse-filter/fail',
    'legacy',
    { ok: false, expected: E['day2/parse-filter legacy']!, found: 'out/legacy: 1 of 80 missing, e.g. l7-1' },
  ],
  [
    'day2/parse-filter/malformed',
    'legacy',
    { ok: true, expected: E['day2/parse-filter legacy']!, found: '80 legacy rows typed and timed' },
  ],
  [
    'day2/parse-filter/pass',
    'legacy',
    { ok: true, expected: E['day2/parse-filter legacy']!, found: '80 legacy rows typed and timed' },
  ],
  [
    'day2/buffer-workers/empty',
    'all-once',
    { ok: false, expected: E['day2/buffer-workers all-once']!, found: 'out/metrics.*: 600 of 600 missing, e.g. m7-90' },
  ],
  [
    'day2/buffer-workers/fail',
    'all-once',
    { ok: false, expected: E['day2/buffer-workers all-once']!, found: 'out/metrics.*: 1 of 600 missing, e.g. m7-596' },
  ],
  [
    'day2/buffer-workers/malformed',
    'all-once',
    {
      ok: false,
      expected: E['day2/buffer-workers all-once']!,
      found: 'out/metrics.*: a line that is not a record of this run at metrics.cpu/20260308/22/db-1.log:2: {"id": ',
    },
  ],
  [
    'day2/buffer-workers/pass',
    'all-once',
    { ok: true, expected: E['day2/buffer-workers all-once']!, found: 'out/metrics.*: all 600 exactly once' },
  ],
  [
    'day2/buffer-workers/empty',
    'survived-crash',
    {
      ok: false,
      expected: E['day2/buffer-workers survived-crash']!,
      found: 'the run did not reach the crash (see the run step)',
    },
  ],
  [
    'day2/buffer-workers/fail',
    'survived-crash',
    {
      ok: false,
      expected: E['day2/buffer-workers survived-crash']!,
      found:
        'Fluentd wrote 12 records before the grader asked it to flush: with timekey_wait 10m and flush_mode lazy the events wait in the buffer',
    },
  ],
  [
    'day2/buffer-workers/malformed',
    'survived-crash',
    {
      ok: true,
      expected: E['day2/buffer-workers survived-crash']!,
      found: 'all 300 events buffered before the crash were written after the restart (13 chunks were in the buffers)',
    },
  ],
  [
    'day2/buffer-workers/pass',
    'survived-crash',
    {
      ok: true,
      expected: E['day2/buffer-workers survived-crash']!,
      found: 'all 300 events buffered before the crash were written after the restart (13 chunks were in the buffers)',
    },
  ],
  [
    'day2/buffer-workers/empty',
    'paths',
    {
      ok: false,
      expected: E['day2/buffer-workers paths']!,
      found: 'no metric of this run under out/metrics.* (0 lines)',
    },
  ],
  [
    'day2/buffer-workers/fail',
    'paths',
    {
      ok: false,
      expected: E['day2/buffer-workers paths']!,
      found:
        'metrics.cpu/20260101/00/web-1.log holds m7-437 (metrics.cpu, 2026-03-08T22:06:56Z, web-1), expected a file metrics.cpu/20260308/22/web-1*',
    },
  ],
  [
    'day2/buffer-workers/malformed',
    'paths',
    {
      ok: true,
      expected: E['day2/buffer-workers paths']!,
      found: '600 records in out/<tag>/<yyyymmdd>/<HH>/<host>* by their event time (UTC)',
    },
  ],
  [
    'day2/buffer-workers/pass',
    'paths',
    {
      ok: true,
      expected: E['day2/buffer-workers paths']!,
      found: '600 records in out/<tag>/<yyyymmdd>/<HH>/<host>* by their event time (UTC)',
    },
  ],
  [
    'day2/buffer-workers/empty',
    'heartbeat',
    {
      ok: false,
      expected: E['day2/buffer-workers heartbeat']!,
      found: 'out/heartbeat: 50 of 50 missing, e.g. beat 7-0',
    },
  ],
  [
    'day2/buffer-workers/fail',
    'heartbeat',
    {
      ok: false,
      expected: E['day2/buffer-workers heartbeat']!,
      found:
        'out/heartbeat: 1 records written more than once, e.g. beat 7-0 at beats.20261206.log:1 and beats.20261206.log:51',
    },
  ],
  [
    'day2/buffer-workers/malformed',
    'heartbeat',
    { ok: true, expected: E['day2/buffer-workers heartbeat']!, found: 'out/heartbeat: all 50 exactly once' },
  ],
  [
    'day2/buffer-workers/pass',
    'heartbeat',
    { ok: true, expected: E['day2/buffer-workers heartbeat']!, found: 'out/heartbeat: all 50 exactly once' },
  ],
  [
    'day2/buffer-workers/empty',
    'workers',
    {
      ok: false,
      expected: E['day2/buffer-workers workers']!,
      found: 'the run did not reach the crash (see the run step)',
    },
  ],
  [
    'day2/buffer-workers/fail',
    'workers',
    {
      ok: false,
      expected: E['day2/buffer-workers workers']!,
      found: "1 Fluentd worker process(es) answered (each worker's monitor_agent); expected 2: <system> workers 2",
    },
  ],
  [
    'day2/buffer-workers/malformed',
    'workers',
    {
      ok: true,
      expected: E['day2/buffer-workers workers']!,
      found: '2 worker processes ran the config; in_tail in worker 0 only',
    },
  ],
  [
    'day2/buffer-workers/pass',
    'workers',
    {
      ok: true,
      expected: E['day2/buffer-workers workers']!,
      found: '2 worker processes ran the config; in_tail in worker 0 only',
    },
  ],
  [
    'day3/files/empty-file',
    '-',
    { ok: false, expected: E['day3/files -']!, found: '4 files of 0 to 10 rows (an empty file)' },
  ],
  [
    'day3/files/malformed',
    '-',
    {
      ok: false,
      expected: E['day3/files -']!,
      found:
        'part-00003-c000.snappy.parquet is not readable Parquet: Parquet magic bytes not found in footer. Either the file is corrupted or this is not a parquet file.',
    },
  ],
  ['day3/files/missing', '-', { ok: false, expected: E['day3/files -']!, found: 'the job wrote no result folder' }],
  ['day3/files/no-data', '-', { ok: false, expected: E['day3/files -']!, found: 'result holds no data files' }],
  ['day3/files/pass', '-', { ok: true, expected: E['day3/files -']!, found: '4 files of 10 to 12 rows (×1.2)' }],
  ['day3/files/skewed', '-', { ok: false, expected: E['day3/files -']!, found: '4 files of 5 to 20 rows (×4.0)' }],
  [
    'day3/files/stray',
    '-',
    { ok: false, expected: E['day3/files -']!, found: 'result holds notes.txt, which is not a part file Spark wrote' },
  ],
  ['day3/files/too-few', '-', { ok: false, expected: E['day3/files -']!, found: '3 files of 10 to 10 rows (×1.0)' }],
  [
    'day4/checkpoint/empty',
    'event_id',
    {
      ok: false,
      expected: E['day4/checkpoint event_id']!,
      found: 'out/ has no _spark_metadata: no streaming file sink committed anything there',
    },
  ],
  [
    'day4/checkpoint/malformed-log',
    'event_id',
    {
      ok: false,
      expected: E['day4/checkpoint event_id']!,
      found: '0 in {fixture}/out/_spark_metadata is not a sink log file',
    },
  ],
  [
    'day4/checkpoint/malformed-rows',
    'event_id',
    {
      ok: false,
      expected: E['day4/checkpoint event_id']!,
      found:
        "the sink or checkpoint could not be read: JSONDecodeError: Expecting ',' delimiter: line 2 column 1 (char 17)",
    },
  ],
  [
    'day4/checkpoint/no-commits',
    'event_id',
    {
      ok: false,
      expected: E['day4/checkpoint event_id']!,
      found:
        'checkpoint/commits holds no committed batch: the query kept its checkpoint somewhere else (the sink committed batches 0..1)',
    },
  ],
  [
    'day4/checkpoint/no-field',
    'event_id',
    {
      ok: false,
      expected: E['day4/checkpoint event_id']!,
      found: 'out/ committed 1 rows, none with a field event_id; first row: {"id": "e1", "n": 1}',
    },
  ],
  [
    'day4/checkpoint/no-rows',
    'event_id',
    { ok: false, expected: E['day4/checkpoint event_id']!, found: 'out/ committed no rows (batches 0..0)' },
  ],
  [
    'day4/checkpoint/other-checkpoint',
    'event_id',
    {
      ok: false,
      expected: E['day4/checkpoint event_id']!,
      found:
        'checkpoint/ committed batches 0..0, but the sink committed batches 0..1: the sink was written by a query with another checkpoint',
    },
  ],
  // The left/right counts are the ones Spark's statestore reader gives on the same files
  // (test/fixtures/graders/day4/state/README.md).
  [
    'day4/state/pass',
    '-',
    {
      ok: true,
      expected: E['day4/state -']!,
      found: 'join state after batch 3: 115 left + 9 right = 124 rows, 42% of the 293 records read: bounded',
    },
  ],
  [
    'day4/state/fail',
    '-',
    {
      ok: false,
      expected: E['day4/state -']!,
      found:
        'join state after batch 1: 260 left + 33 right = 293 rows, 100% of the 293 records read: NOT bounded (at least 70% of what was read is still kept)',
    },
  ],
  [
    'day4/state/malformed-truncated',
    '-',
    {
      ok: false,
      expected: E['day4/state -']!,
      found:
        'checkpoint/ holds no readable stream-stream join state (state/0/1/left-keyWithIndexToValue/1.delta: broken or truncated LZ4 block at byte 21)',
    },
  ],
  [
    'day4/state/empty',
    '-',
    {
      ok: false,
      expected: E['day4/state -']!,
      found: 'checkpoint/ holds no readable stream-stream join state (state/0 does not exist: the query kept no state)',
    },
  ],
  [
    'day4/checkpoint/pass',
    'event_id',
    {
      ok: true,
      expected: E['day4/checkpoint event_id']!,
      found:
        'out/ committed 3 rows in batches 0..1; checkpoint/ committed the same batches (offsets planned up to 2): one query, one checkpoint',
    },
  ],
  [
    'day5/tail-settings/decoy',
    '-',
    {
      ok: false,
      expected: E['day5/tail-settings -']!,
      found:
        'an output is @type "kafka_buffered", not kafka2; a kafka2\'s <buffer> is not @type file (a crash loses what a memory buffer holds); a kafka2\'s required_acks is not set (1), not -1; a kafka2 has no com…',
    },
  ],
  [
    'day5/tail-settings/embedded',
    '-',
    {
      ok: true,
      expected: E['day5/tail-settings -']!,
      found:
        '1 in_tail with state/ratings.pos; 1 kafka2 with a file buffer, required_acks -1, compression_codec gzip, use_event_time; an @ERROR output',
    },
  ],
  [
    'day5/tail-settings/fail',
    '-',
    {
      ok: false,
      expected: E['day5/tail-settings -']!,
      found:
        'an in_tail has pos_file "/tmp/ratings.pos", not state/ratings.pos; a kafka2\'s <buffer> is not @type file (a crash loses what a memory buffer holds); a kafka2\'s required_acks is not set (1), not -1; a…',
    },
  ],
  [
    'day5/tail-settings/malformed',
    '-',
    {
      ok: false,
      expected: E['day5/tail-settings -']!,
      found:
        "Fluentd cannot read fluent.conf: expected end tag '</source>' but got end of file at fluent.conf line 6,9\\n  5:   @type kafka2\\n  6: </match>\\n\\n     ---------^\\n",
    },
  ],
  [
    'day5/tail-settings/missing',
    '-',
    { ok: false, expected: E['day5/tail-settings -']!, found: 'there is no fluent.conf' },
  ],
  [
    'day5/tail-settings/pass',
    '-',
    {
      ok: true,
      expected: E['day5/tail-settings -']!,
      found:
        '1 in_tail with state/ratings.pos; 1 kafka2 with a file buffer, required_acks -1, compression_codec gzip, use_event_time; an @ERROR output',
    },
  ],
  [
    'day5/turnilo-verify/fail',
    'listed',
    {
      ok: false,
      expected: E['day5/turnilo-verify listed']!,
      found: 'the cube ratings has dimensions __time, genre, country; it needs genre, country and liked',
    },
  ],
  [
    'day5/turnilo-verify/malformed',
    'listed',
    {
      ok: false,
      expected: E['day5/turnilo-verify listed']!,
      found: 'the grader did not observe Turnilo (its step did not run)',
    },
  ],
  [
    'day5/turnilo-verify/missing',
    'listed',
    {
      ok: false,
      expected: E['day5/turnilo-verify listed']!,
      found: 'the grader did not observe Turnilo (its step did not run)',
    },
  ],
  [
    'day5/turnilo-verify/no-cube',
    'listed',
    {
      ok: false,
      expected: E['day5/turnilo-verify listed']!,
      found: 'Turnilo lists no data cube named ratings (it lists: wikipedia)',
    },
  ],
  [
    'day5/turnilo-verify/pass',
    'listed',
    {
      ok: true,
      expected: E['day5/turnilo-verify listed']!,
      found: 'Turnilo lists the cube ratings with dimensions __time, genre, country, liked',
    },
  ],
  [
    'day5/turnilo-verify/fail',
    'total',
    {
      ok: false,
      expected: E['day5/turnilo-verify total']!,
      found: 'events through Turnilo is 12, Druid SQL\'s SUM("count") is 15 ($main.count(): rows are rolled up)',
    },
  ],
  [
    'day5/turnilo-verify/malformed',
    'total',
    {
      ok: false,
      expected: E['day5/turnilo-verify total']!,
      found: 'the grader did not observe Turnilo (its step did not run)',
    },
  ],
  [
    'day5/turnilo-verify/pass',
    'total',
    {
      ok: true,
      expected: E['day5/turnilo-verify total']!,
      found: 'events through Turnilo: 15, as Druid SQL\'s SUM("count")',
    },
  ],
  [
    'day5/turnilo-verify/fail',
    'average',
    {
      ok: false,
      expected: E['day5/turnilo-verify average']!,
      found: 'avg_rating through Turnilo is 3 for Drama, Druid SQL gives 3.5 ($main.average($rating_sum))',
    },
  ],
  [
    'day5/turnilo-verify/malformed',
    'average',
    {
      ok: false,
      expected: E['day5/turnilo-verify average']!,
      found: 'the grader did not observe Turnilo (its step did not run)',
    },
  ],
  [
    'day5/turnilo-verify/pass',
    'average',
    {
      ok: true,
      expected: E['day5/turnilo-verify average']!,
      found: 'avg_rating through Turnilo equals SUM(rating_sum) / SUM("count") in total and for each of 2 genres',
    },
  ],
  [
    'day5/turnilo-verify/fail',
    'timezone',
    {
      ok: false,
      expected: E['day5/turnilo-verify timezone']!,
      found: "the cube's time zone is the default (UTC), not Asia/Seoul",
    },
  ],
  [
    'day5/turnilo-verify/malformed',
    'timezone',
    {
      ok: false,
      expected: E['day5/turnilo-verify timezone']!,
      found: 'the grader did not observe Turnilo (its step did not run)',
    },
  ],
  [
    'day5/turnilo-verify/pass',
    'timezone',
    { ok: true, expected: E['day5/turnilo-verify timezone']!, found: 'the cube shows time in Asia/Seoul' },
  ],
  [
    'day5/turnilo-verify/fail',
    'refresh',
    { ok: false, expected: E['day5/turnilo-verify refresh']!, found: 'the refresh rule is query, not realtime' },
  ],
  [
    'day5/turnilo-verify/malformed',
    'refresh',
    {
      ok: false,
      expected: E['day5/turnilo-verify refresh']!,
      found: 'the grader did not observe Turnilo (its step did not run)',
    },
  ],
  [
    'day5/turnilo-verify/pass',
    'refresh',
    { ok: true, expected: E['day5/turnilo-verify refresh']!, found: 'refresh rule realtime: the latest data is now' },
  ],
  [
    'day2/kafka-output/decoy',
    'settings',
    {
      ok: false,
      expected: E['day2/kafka-output settings']!,
      found: 'no kafka2 output receives shop.orders (it goes to: @type stdout)',
    },
  ],
  [
    'day2/kafka-output/empty',
    'settings',
    {
      ok: false,
      expected: E['day2/kafka-output settings']!,
      found: 'the run did not start your config (see the run step)',
    },
  ],
  [
    'day2/kafka-output/fail',
    'settings',
    {
      ok: false,
      expected: E['day2/kafka-output settings']!,
      found:
        'the kafka2 block receiving shop.orders (<match shop.**>) has required_acks "1": -1 waits for all in-sync replicas',
    },
  ],
  [
    'day2/kafka-output/pass',
    'settings',
    {
      ok: true,
      expected: E['day2/kafka-output settings']!,
      found: 'the kafka2 block receiving shop.orders has required_acks -1 and compression_codec gzip',
    },
  ],
  [
    'day5/verify-raw-errors/empty',
    '-',
    {
      ok: false,
      expected: E['day5/verify-raw-errors -']!,
      found: 'no files under errors/: the 44 malformed lines went nowhere',
    },
  ],
  [
    'day5/verify-raw-errors/fail',
    '-',
    {
      ok: false,
      expected: E['day5/verify-raw-errors -']!,
      found:
        "1 of the 44 malformed lines are not in errors/ (e.g. '2026-11-09 18:03:54 WARN ratings-api: upstream timeout after 8148 ms (user u0074)'); 1 valid lines are in errors/",
    },
  ],
  [
    'day5/verify-raw-errors/malformed',
    '-',
    {
      ok: false,
      expected: E['day5/verify-raw-errors -']!,
      found:
        "44 of the 44 malformed lines are not in errors/ (e.g. '2026-11-09 18:03:54 WARN ratings-api: upstream timeout after 8148 ms (user u0074)')",
    },
  ],
  [
    'day5/verify-raw-errors/pass',
    '-',
    {
      ok: true,
      expected: E['day5/verify-raw-errors -']!,
      found: 'errors/ holds the 44 malformed lines, each as it was read, and no valid line',
    },
  ],
];
