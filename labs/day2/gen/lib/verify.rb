# The graders' side: recompute from the seed what Fluentd must have produced and compare it
# with what it did produce. Each aspect returns [ok, text] (text names one offending record or
# line); day2.rb prints it as the check's DE-LAB-VERDICT line. Every aspect needs positive
# evidence: N > 0 relevant records seen, or it fails saying so.
require 'json'
require 'set'
require_relative 'data'
require_relative 'outputs'
require_relative 'guard'

module Day2
  module Verify
    module_function

    def pass(text) = [true, text]
    def fail(text) = [false, text]

    def iso(t) = t.utc.strftime('%Y-%m-%dT%H:%M:%SZ')

    # rows vs expected ids: each expected id exactly once, nothing else.
    def exactly_once(rows, expected_ids, what:, id_of:)
      seen = Hash.new { |h, k| h[k] = [] }
      rows.each { |r| seen[id_of.(r)] << r }
      if (bad = rows.find { |r| id_of.(r).nil? })
        return fail("#{what}: a line that is not a record of this run at #{bad.where}: #{Outputs.short(bad.text)}")
      end
      missing = expected_ids.reject { |id| seen.key?(id) }
      extra = seen.keys - expected_ids
      dups = seen.select { |_, rs| rs.size > 1 }
      return fail("#{what}: #{missing.size} of #{expected_ids.size} missing, e.g. #{missing.first}") unless missing.empty?
      return fail("#{what}: #{extra.size} records that do not belong here, e.g. #{seen[extra.first].first.where}: #{Outputs.short(seen[extra.first].first.text)}") unless extra.empty?
      return fail("#{what}: #{dups.size} records written more than once, e.g. #{dups.first[0]} at #{dups.first[1].map(&:where).first(2).join(' and ')}") unless dups.empty?
      pass("#{what}: all #{expected_ids.size} exactly once")
    end

    def rows(dir, sub) = Outputs.rows(File.join(dir, 'out', sub))

    # ---- route-events
    def route_events(ctx, aspect)
      events = Data.route_events(ctx.seed, count: 300)
      by_id = events.to_h { |e| [e[:id], e] }
      case aspect
      when 'app'
        app = events.select { |e| e[:tag].start_with?('app.') }
        exactly_once(rows(ctx.dir, 'app'), app.map { |e| e[:id] }, what: 'out/app', id_of: ->(r) { r.record.is_a?(Hash) ? r.record['id'] : nil })
      when 'tag-time'
        list = rows(ctx.dir, 'app')
        return fail('out/app has no records') if list.empty?
        known = list.count { |r| r.record.is_a?(Hash) && by_id.key?(r.record['id']) }
        return fail("none of the #{list.size} records in out/app is an event of this run") if known.zero?
        list.each do |r|
          e = by_id[r.record.is_a?(Hash) && r.record['id']] or next
          return fail("#{r.where}: tag #{r.tag.inspect}, expected #{e[:tag].inspect} in a \"tag\" field: #{Outputs.short(r.text)}") unless r.tag == e[:tag]
          return fail("#{r.where}: time #{r.record['time'].inspect}, expected #{iso(e[:time])} (ISO 8601) in a \"time\" field: #{Outputs.short(r.text)}") unless r.time && r.time.to_i == e[:time].to_i
        end
        pass("#{known} records carry their tag and event time")
      when 'audit'
        out = Outputs.stdout_rows(ctx.log)
        audit = events.select { |e| e[:tag].start_with?('audit.') }
        wrong = out.find { |r| !r.tag.to_s.start_with?('audit.') }
        return fail("stdout shows a #{wrong.tag} event, only audit.* belongs there: #{Outputs.short(wrong.text)}") if wrong
        exactly_once(out, audit.map { |e| e[:id] }, what: 'stdout (audit.*)', id_of: ->(r) { r.record.is_a?(Hash) ? r.record['id'] : nil })
      when 'debug'
        debug = events.select { |e| e[:tag].start_with?('debug.') }.map { |e| e[:id] }.to_set
        leak = (rows(ctx.dir, '') + Outputs.stdout_rows(ctx.log)).find { |r| r.record.is_a?(Hash) && debug.include?(r.record['id']) }
        return fail("a debug.** event was kept at #{leak.where}: #{Outputs.short(leak.text)}") if leak
        return fail("Fluentd's log of the run is missing (see the run step)") unless File.exist?(ctx.log)
        warn = File.readlines(ctx.log).find { |l| l.include?('no patterns matched') }
        return fail("Fluentd found no <match> for some events: #{warn.strip[0, 200]}") if warn
        # A quieter log (log_level error) hides the warning: the config as it ran must route them.
        root = ctx.ran_config or return fail('the run did not start your config (see the run step)')
        labels = (Guard.source_labels(root, 'http') + Guard.source_labels(root, 'forward')).uniq
        labels = [nil] if labels.empty?
        tags = events.select { |e| e[:tag].start_with?('debug.') }.map { |e| e[:tag] }.uniq
        lost = tags.find { |t| labels.any? { |l| Guard.handlers(root, t, label: l).empty? } }
        return fail("no <match> receives #{lost}: Fluentd drops it with a warning (null discards it on purpose)") if lost
        kept = (rows(ctx.dir, '') + Outputs.stdout_rows(ctx.log)).count { |r| r.record.is_a?(Hash) && by_id.key?(r.record['id']) }
        return fail('no event of this run was kept anywhere: nothing shows that the config received the events') if kept.zero?
        pass("#{debug.size} debug.** events discarded on purpose, every tag matched (#{kept} other events kept)")
      end
    end

    # ---- tail-rotation
    def tail_rotation(ctx, aspect)
      lines = Data.access_lines(ctx.seed, count: 1200)
      good = lines.select { |l| l[:ok] }
      rid = ->(r) { r.record.is_a?(Hash) && r.record['path'].to_s[/rid=([\d-]+)/, 1] }
      case aspect
      when 'parsed'
        list = rows(ctx.dir, 'access')
        verdict = exactly_once(list, good.map { |l| l[:rid] }, what: 'out/access', id_of: rid)
        return verdict unless verdict[0]
        typed = list.find { |r| !r.record['code'].is_a?(Integer) }
        return fail("#{typed.where}: code is #{typed.record['code'].inspect}, not a number: #{Outputs.short(typed.text)}") if typed
        verdict
      when 'per-day'
        list = rows(ctx.dir, 'access')
        untimed = list.find { |r| r.time.nil? }
        return fail("#{untimed.where} has no event time (out_file's default format or a \"time\" field): #{Outputs.short(untimed.text)}") if untimed
        by_rid = good.to_h { |g| [g[:rid], g] }
        wrong = list.find { |r| (l = by_rid[rid.(r)]) && l[:time].to_i != r.time.to_i }
        return fail("#{wrong.where}: time #{iso(wrong.time)} is not the time in its log line: #{Outputs.short(wrong.text)}") if wrong
        want = good.group_by { |l| l[:time].utc.strftime('%Y-%m-%d') }.transform_values(&:size).sort.to_h
        got = list.group_by { |r| r.time.utc.strftime('%Y-%m-%d') }.transform_values(&:size).sort.to_h
        return fail("records per day (UTC): expected #{want}, found #{got}") unless want == got
        pass("records per day (UTC) #{want}")
      when 'unmatched'
        bad = lines.reject { |l| l[:ok] }
        list = rows(ctx.dir, 'unmatched')
        stray = rows(ctx.dir, 'access').find { |r| r.record.is_a?(Hash) && r.record.key?('unmatched_line') }
        return fail("an unmatched line went to out/access: #{stray.where}") if stray
        by_line = bad.to_h { |l| [l[:line], l[:rid]] }
        exactly_once(list, bad.map { |l| l[:rid] }, what: 'out/unmatched', id_of: ->(r) { r.record.is_a?(Hash) ? by_line[r.record['unmatched_line']] : nil })
      end
    end

    # ---- parse-filter
    def parse_filter(ctx, aspect)
      shop = Data.shop_events(ctx.seed, count: 240)
      kept = shop.select { |e| e[:env] == 'prod' && e[:level] != 'DEBUG' }
      by_req = kept.to_h { |e| [e[:body]['req'], e] }
      req = ->(r) { r.record.is_a?(Hash) ? r.record['req'] : nil }
      case aspect
      when 'kept'
        exactly_once(rows(ctx.dir, 'orders'), kept.map { |e| e[:body]['req'] }, what: 'out/orders (prod, not DEBUG)', id_of: req)
      when 'fields'
        list = rows(ctx.dir, 'orders')
        known = list.count { |r| by_req.key?(req.(r)) }
        return fail("out/orders has no kept event of this run (#{list.size} lines)") if known.zero?
        list.each do |r|
          e = by_req[req.(r)] or next
          want = e[:parsed].merge('service' => e[:service], 'env' => e[:env], 'amount_cents' => (e[:parsed]['amount'] * 100).round)
          want.each do |k, v|
            got = r.record[k]
            same = v.is_a?(Float) ? got.is_a?(Numeric) && (got - v).abs < 1e-6 : got == v
            return fail("#{r.where}: #{k} is #{got.inspect}, expected #{v.inspect} (#{v.class == String ? 'text' : 'a JSON number'}): #{Outputs.short(r.text)}") unless same
          end
        end
        pass("#{known} records have service/env from the tag and typed user, amount, items, amount_cents")
      when 'time'
        list = rows(ctx.dir, 'orders')
        known = list.count { |r| by_req.key?(req.(r)) }
        return fail("out/orders has no kept event of this run (#{list.size} lines)") if known.zero?
        list.each do |r|
          e = by_req[req.(r)] or next
          return fail("#{r.where}: time #{r.record['time'].inspect}, expected #{iso(e[:time])} (ts #{e[:body]['ts']} is Seoul time, +09:00): #{Outputs.short(r.text)}") unless r.time && r.time.to_i == e[:time].to_i
        end
        pass("#{known} event times taken from ts in Asia/Seoul")
      when 'legacy'
        rowsl = Data.legacy_rows(ctx.seed, count: 80)
        list = rows(ctx.dir, 'legacy')
        verdict = exactly_once(list, rowsl.map { |r| r[:record]['req'] }, what: 'out/legacy', id_of: req)
        return verdict unless verdict[0]
        want = rowsl.to_h { |x| [x[:record]['req'], x] }
        list.each do |r|
          x = want[req.(r)]
          %w[user amount].each do |k|
            return fail("#{r.where}: #{k} is #{r.record[k].inspect}, expected the number #{x[:record][k]}: #{Outputs.short(r.text)}") unless r.record[k].is_a?(Numeric) && (r.record[k] - x[:record][k]).abs < 1e-6
          end
          return fail("#{r.where}: time #{r.record['time'].inspect}, expected #{iso(x[:time])} (the TSV time carries its own offset): #{Outputs.short(r.text)}") unless r.time && r.time.to_i == x[:time].to_i
        end
        pass("#{list.size} legacy rows typed and timed")
      end
    end

    # ---- buffer-workers
    def buffer_workers(ctx, aspect)
      metrics = Data.metrics(ctx.seed, count: 600)
      id = ->(r) { r.record.is_a?(Hash) ? r.record['id'] : nil }
      list = -> { Dir.glob(File.join(ctx.dir, 'out', 'metrics.*')).flat_map { |d| Outputs.rows(d).each { |r| r.file = "#{File.basename(d)}/#{r.file}" } } }
      case aspect
      when 'all-once'
        exactly_once(list.(), metrics.map { |e| e[:id] }, what: 'out/metrics.*', id_of: id)
      when 'survived-crash'
        note = ctx.notes['before_crash'] or return fail('the run did not reach the crash (see the run step)')
        return fail('no chunk was in the buffers when Fluentd was killed: nothing shows that events waited in a buffer') unless note['chunks'].to_i.positive?
        return fail("Fluentd wrote #{note['records_written']} records before the grader asked it to flush: with timekey_wait 10m and flush_mode lazy the events wait in the buffer") if note['records_written'].to_i.positive?
        first = metrics.first(300).map { |e| e[:id] }.to_set
        got = list.().map { |r| id.(r) }.to_set
        lost = first.reject { |i| got.include?(i) }
        return fail("#{lost.size} of 300 events buffered before the crash were lost, e.g. #{lost.first}: a memory buffer dies with the process") unless lost.empty?
        pass("all 300 events buffered before the crash were written after the restart (#{note["chunks"]} chunks were in the buffers)")
      when 'paths'
        rs = list.()
        by_id = metrics.to_h { |e| [e[:id], e] }
        known = rs.count { |r| by_id.key?(id.(r)) }
        return fail("no metric of this run under out/metrics.* (#{rs.size} lines)") if known.zero?
        rs.each do |r|
          e = by_id[id.(r)] or next
          want = "#{e[:tag]}/#{e[:time].utc.strftime('%Y%m%d/%H')}/#{e[:record]['host']}"
          return fail("#{r.file} holds #{e[:id]} (#{e[:tag]}, #{iso(e[:time])}, #{e[:record]['host']}), expected a file #{want}*") unless r.file.start_with?(want)
        end
        pass("#{known} records in out/<tag>/<yyyymmdd>/<HH>/<host>* by their event time (UTC)")
      when 'workers'
        note = ctx.notes['before_crash'] or return fail('the run did not reach the crash (see the run step)')
        n = note['workers'].to_i
        return fail("#{n} Fluentd worker process(es) answered (each worker's monitor_agent); expected 2: <system> workers 2") unless n == 2
        tails = note['tail_workers'] || []
        return fail("in_tail ran in #{tails.size} workers (#{tails.join(', ')}): pin it to one with <worker 0>") unless tails.size == 1
        pass("#{n} worker processes ran the config; in_tail in worker #{tails.first} only")
      when 'heartbeat'
        want = Array.new(50) { |i| "beat #{ctx.seed.abs % 100_000}-#{i}" }
        exactly_once(rows(ctx.dir, 'heartbeat'), want, what: 'out/heartbeat', id_of: ->(r) { r.record.is_a?(Hash) ? r.record['message'] : nil })
      end
    end
  end
end
