# The one line a de-lab `grader` check reads: DE-LAB-VERDICT <nonce> {"ok":…,"expected":…,"found":…}.
# Shared by every day 2 grader (day2.rb verify). Learner text (event ids, record values) only
# travels inside the JSON strings, cut to 200 characters.
require 'json'

module Day2
  module Verdict
    module_function

    MAX = 200

    def cut(text)
      s = text.to_s
      s.length > MAX ? "#{s[0, MAX - 1]}…" : s
    end

    def line(ok, expected, found)
      nonce = ENV.fetch('DE_LAB_VERDICT_NONCE', '-')
      "DE-LAB-VERDICT #{nonce} #{JSON.generate({ 'ok' => ok ? true : false, 'expected' => cut(expected), 'found' => cut(found) })}"
    end

    def emit(ok, expected, found)
      $stdout.puts(line(ok, expected, found))
      $stdout.flush
    end

    # What each aspect expects, in one phrase (the "expected" of the verdict).
    EXPECTED = {
      'route-events/app' => 'every app.** event in out/app exactly once, nothing else',
      'route-events/tag-time' => 'each out/app record with its tag and event time',
      'route-events/audit' => 'every audit.* event on stdout exactly once, only those',
      'route-events/debug' => 'debug.** events kept nowhere, every tag matched',
      'tail-rotation/parsed' => 'every parsable line in out/access exactly once, code a number',
      'tail-rotation/per-day' => "records per day (UTC) equal to the log's",
      'tail-rotation/unmatched' => 'every malformed line in out/unmatched exactly once',
      'parse-filter/kept' => 'exactly the prod, non-DEBUG events in out/orders, once each',
      'parse-filter/fields' => 'service/env from the tag; typed user, amount, items, amount_cents',
      'parse-filter/time' => 'event times from ts in Asia/Seoul',
      'parse-filter/legacy' => 'legacy TSV rows once each, typed and timed with their offset',
      'buffer-workers/all-once' => 'every metric in out/metrics.* exactly once',
      'buffer-workers/survived-crash' => 'nothing written before the flush; every buffered event written after the crash',
      'buffer-workers/paths' => 'each record under out/<tag>/<yyyymmdd>/<HH>/<host>* of its event time',
      'buffer-workers/heartbeat' => 'the heartbeat log read once',
      'buffer-workers/workers' => 'two worker processes running the config',
      'docker-logging/lines' => 'every app line received over forward and written exactly once',
      'docker-logging/tags' => 'records tagged docker.<container name> under out/<tag>/',
      'reliable-forwarding/nothing-lost' => 'every event at an aggregator or kept by <secondary>',
      'reliable-forwarding/standby-used' => 'aggregator-b receives nothing while aggregator-a is up, then takes over',
      'reliable-forwarding/secondary' => 'events kept by <secondary> (secondary_file) under failed/ while both aggregators were down',
      'kafka-output/topics' => 'each order in the topic named by its service, once',
      'kafka-output/keys' => 'messages keyed by user with their event time',
      'kafka-output/settings' => 'the kafka2 block receiving shop.orders: required_acks -1, compression_codec gzip'
    }.freeze
  end
end
