# Graders of reliable-forwarding, kafka-output and docker-logging (see verify.rb).
require 'json'
require 'set'
require 'msgpack'
require 'zlib'
require 'stringio'
require_relative 'verify'
require_relative 'guard'

module Day2
  module VerifyMore
    module_function

    def pass(text) = [true, text]
    def fail(text) = [false, text]

    # Events out_forward's <secondary> (secondary_file) wrote under failed/: the chunk as out_forward
    # buffers it, a msgpack stream of [time, record] entries, gzip-compressed with `compress gzip`.
    # JSON lines (an out_file copy of the stream, not a secondary) and buffer chunk files
    # (buffer.*: events still waiting, not kept) do not count.
    def secondary_ids(dir)
      Dir.glob(File.join(dir, 'failed', '**', '*')).select { |f| File.file?(f) }.each_with_object(Set.new) do |f, ids|
        next if File.basename(f).start_with?('buffer.') || f.end_with?('.meta')
        data = File.binread(f)
        data = (Zlib::GzipReader.new(StringIO.new(data)).read rescue '') if data.start_with?("\x1f\x8b".b)
        next if data.empty? || data.start_with?('{')
        u = MessagePack::Unpacker.new(allow_unknown_ext: true)
        begin
          u.feed_each(data) { |obj| obj.is_a?(Array) && obj.size == 2 && (r = obj[1]).is_a?(Hash) && r['id'] && ids << r['id'] }
        rescue StandardError
          nil
        end
      end
    end

    def reliable_forwarding(ctx, aspect)
      key = ctx.notes['key'] or return fail('the run did not start (see the run step)')
      main = Data.orders(ctx.seed, count: 1200, prefix: 'f').map { |e| e[:id] }
      late = Data.orders(ctx.seed + 1, count: 100, prefix: 'g').map { |e| e[:id] }
      got = RunsMore.agg_ids(key)
      case aspect
      when 'nothing-lost'
        all = got.values.flatten
        counts = all.tally
        kept = secondary_ids(ctx.dir)
        missing = main.reject { |id| counts.key?(id) || kept.include?(id) }
        return fail("#{missing.size} of #{main.size} events reached neither an aggregator nor failed/, e.g. #{missing.first}") unless missing.empty?
        dups = counts.values.sum { |n| n - 1 }
        example = counts.find { |_, n| n > 1 }&.first
        return fail('no event reached an aggregator') if all.empty?
        pass("all #{main.size} events arrived (#{got['aggregator-a'].size} at aggregator-a, #{got['aggregator-b'].size} at aggregator-b, #{(main.to_set & kept).size} in failed/); #{dups} duplicates (at-least-once delivery)#{example ? ", e.g. #{example}" : ''}")
      when 'standby-used'
        before = ctx.notes['before_kill'] or return fail('the run did not reach the kill of aggregator-a (see the run step)')
        # Traffic at aggregator-b while aggregator-a was up says "load-balanced" whatever aggregator-a
        # got: a round robin may well have sent every early chunk to aggregator-b.
        if before['aggregator-b'].to_i.positive?
          return fail("aggregator-b received #{before['aggregator-b']} events while aggregator-a was up (a load-balanced pair): a standby takes nothing while the primary is up (standby true)")
        end
        return fail('aggregator-a received nothing before it was killed') unless before['aggregator-a'].to_i.positive?
        return fail('aggregator-b (standby) received nothing while aggregator-a was down') if got['aggregator-b'].empty?
        root = ctx.ran_config or return fail('the run did not start your config (see the run step)')
        fwd = Guard.source_labels(root, 'http').flat_map { |l| Guard.handlers(root, "fwd.#{key}", label: l) }.select { |o| o['@type'] == 'forward' }
        servers = fwd.flat_map { |o| o.elements.select { |e| e.name == 'server' } }
        standby = servers.select { |e| e['standby'].to_s.strip == 'true' }
        return fail("the forward output receiving fwd.* has #{servers.size} <server>s, #{standby.size} with standby true: the standby needs `standby true`") unless standby.size == 1 && servers.size >= 2
        pass("aggregator-b took nothing while aggregator-a was up (#{before['aggregator-a']} there), then #{got['aggregator-b'].size} events")
      when 'secondary'
        ids = secondary_ids(ctx.dir)
        in_agg = got.values.flatten.to_set
        missing = late.reject { |id| ids.include?(id) || in_agg.include?(id) }
        return fail("with both aggregators down, #{missing.size} of #{late.size} events are nowhere (not in failed/ via <secondary>), e.g. #{missing.first}") unless missing.empty?
        return fail('no event was written by <secondary> under failed/') if ids.empty?
        pass("#{(late.to_set & ids).size} events kept in failed/ by <secondary> while both aggregators were down")
      end
    end

    def kafka_output(ctx, aspect)
      events = Data.orders(ctx.seed, count: 300, prefix: 'k')
      msgs = nil
      if aspect != 'settings'
        kafka = KafkaRead.client
        msgs = RunsMore::TOPICS.to_h { |t| [t, KafkaRead.messages(kafka, t)] }
      end
      case aspect
      when 'topics'
        RunsMore::TOPICS.each do |t|
          want = events.select { |e| e[:record]['service'] == t }.map { |e| e[:id] }
          seen = msgs[t].map { |m| (JSON.parse(m[:value])['id'] rescue nil) }
          bad = seen.index { |id| id.nil? || !want.include?(id) }
          return fail("topic #{t} has a message that does not belong there: #{Outputs.short(msgs[t][bad][:value].to_s)}") if bad
          missing = want - seen
          return fail("topic #{t}: #{missing.size} of #{want.size} events missing, e.g. #{missing.first}") unless missing.empty?
          dup = seen.tally.find { |_, n| n > 1 }
          return fail("topic #{t}: #{dup[0]} appears #{dup[1]} times") if dup
        end
        pass("each event in the topic named by its service field, once (#{RunsMore::TOPICS.map { |t| "#{t} #{msgs[t].size}" }.join(', ')})")
      when 'keys'
        all = msgs.values.flatten
        return fail('no messages in orders, payments, refunds') if all.empty?
        all.each do |m|
          v = JSON.parse(m[:value]) rescue (return fail("a message value is not JSON: #{Outputs.short(m[:value].to_s)}"))
          return fail("message #{v['id']} has key #{m[:key].inspect}, expected its user #{v['user'].inspect}") unless m[:key] == v['user']
          return fail("message #{v['id']} has no event time field \"time\" equal to #{Verify.iso(events.find { |e| e[:id] == v['id'] }[:time])}") unless (e = events.find { |x| x[:id] == v['id'] }) && Outputs.time_of(v['time'])&.to_i == e[:time].to_i
        end
        pass("#{all.size} messages keyed by user, with their event time")
      when 'settings'
        # The block that receives shop.orders (the first <match> that matches, as Fluentd routes),
        # in the config as it ran, parsed by the grader: not the first kafka2 block in the file.
        root = ctx.ran_config or return fail('the run did not start your config (see the run step)')
        outs = Guard.source_labels(root, 'http').flat_map { |l| Guard.handlers(root, 'shop.orders', label: l) }
        kafka = outs.select { |o| o['@type'] == 'kafka2' }
        return fail("no kafka2 output receives shop.orders (it goes to: #{outs.map { |o| "@type #{o['@type']}" }.join(', ').then { |t| t.empty? ? 'no <match>' : t }})") if kafka.empty?
        kafka.each do |conf|
          return fail("the kafka2 block receiving shop.orders (<match #{conf.arg}>) has required_acks #{conf['required_acks'].inspect}: -1 waits for all in-sync replicas") unless conf['required_acks'].to_s.strip == '-1'
          return fail("the kafka2 block receiving shop.orders (<match #{conf.arg}>) has compression_codec #{conf['compression_codec'].inspect}, expected gzip") unless conf['compression_codec'].to_s.strip == 'gzip'
        end
        pass("the kafka2 block receiving shop.orders has required_acks -1 and compression_codec gzip")
      end
    end

    def docker_logging(ctx, aspect)
      want = Data.app_lines(ctx.seed)
      rows = Outputs.rows(File.join(ctx.dir, 'out'))
      case aspect
      when 'lines'
        received = ctx.notes['received'].to_i
        total = want.values.sum(&:size)
        return fail("Fluentd's forward input received #{received} of #{total} lines from the app containers") if received < total
        want.each do |service, lines|
          got = rows.select { |r| r.record.is_a?(Hash) && r.record['log'].to_s.start_with?("#{service} ") }
          got_lines = got.map { |r| r.record['log'] }
          missing = lines - got_lines
          return fail("#{service}: #{missing.size} of #{lines.size} lines missing, e.g. #{missing.first.inspect}") unless missing.empty?
          return fail("#{service}: #{got.size} records for #{lines.size} lines (duplicates)") unless got.size == lines.size
        end
        pass(want.map { |s, l| "#{s} #{l.size} lines" }.join(', '))
      when 'tags'
        apps = rows.count { |r| r.record.is_a?(Hash) && r.record['container_name'] }
        return fail("no record with a container_name under out/ (#{rows.size} lines)") if apps.zero?
        rows.each do |r|
          next unless r.record.is_a?(Hash) && r.record['container_name']
          expected = "docker.#{r.record['container_name'].delete_prefix('/')}"
          return fail("#{r.where}: tag #{r.tag.inspect}, expected #{expected} (tag template docker.{{.Name}}): #{Outputs.short(r.text)}") unless r.tag == expected
          return fail("#{r.where} is in #{r.file}, expected a file under out/#{expected}/") unless r.file.start_with?("#{expected}/")
        end
        pass("#{apps} records tagged docker.<container name> and filed by tag")
      end
    end
  end
end
