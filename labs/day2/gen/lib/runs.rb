# How each exercise's config is exercised: start it, feed the seeded input, make Fluentd
# flush (SIGUSR1) and watch its buffers empty, stop it. No fixed sleeps: every wait is for a
# condition (a port answering, a pos file reaching a file's end, buffers empty), bounded.
require 'fileutils'
require 'json'
require_relative 'data'
require_relative 'agent'
require_relative 'send'
require_relative 'outputs'

module Day2
  # Inputs the grader writes before a run, in a judge container (the seed never reaches the
  # container where the learner's config runs).
  module Prepare
    module_function

    INPUT = '.de-lab-input'

    def parse_filter(dir, seed)
      shop = Data.shop_events(seed, count: 240).map { |e| { 'tag' => e[:tag], 'body' => e[:body] } }
      legacy = Data.legacy_rows(seed, count: 80).map { |r| r[:line] }
      FileUtils.mkdir_p(File.join(dir, INPUT))
      File.write(File.join(dir, INPUT, 'parse-filter.json'), JSON.generate({ 'shop' => shop, 'legacy' => legacy }))
    end
  end

  module Runs
    module_function

    GENERATED = %w[out logs state buffer failed].freeze

    # Earlier outputs are moved to .last-run/ (never deleted: they may be a learner's).
    def fresh(dir)
      keep = File.join(dir, '.last-run')
      FileUtils.rm_rf(keep)
      GENERATED.each do |name|
        path = File.join(dir, name)
        next unless File.exist?(path)
        FileUtils.mkdir_p(keep)
        FileUtils.mv(path, File.join(keep, name))
      end
    end

    def say(text)
      $stdout.puts(text)
      $stdout.flush
    end

    # Waits until in_tail has read every file to its end, as its pos file records it.
    def wait_tailed(dir, pos_file, files, timeout: 20, agent: nil)
      if agent
        tails = (agent.plugins || []).select { |p| p['type'] == 'tail' }
        raise Failure, 'your config has no tail <source>' if tails.empty?
        unless tails.any? { |p| File.expand_path(p.dig('config', 'pos_file').to_s, dir) == File.expand_path(pos_file, dir) }
          raise Failure, "in_tail needs `pos_file #{pos_file}` (found #{tails.map { |p| p.dig('config', 'pos_file') || 'none' }.join(', ')})"
        end
      end
      if agent
        globs = tails.flat_map { |p| p.dig('config', 'path').to_s.split(',').map { |g| File.expand_path(g.strip, dir) } }
        lost = files.find { |f| globs.none? { |g| File.fnmatch?(g, File.expand_path(f), File::FNM_PATHNAME) } }
        raise Failure, "in_tail's path (#{tails.map { |p| p.dig('config', 'path') }.join(', ')}) does not match #{lost.sub("#{dir}/", '')}" if lost
      end
      deadline = Time.now + timeout
      loop do
        pos = Outputs.positions(File.join(dir, pos_file))
        behind = files.reject do |f|
          st = File.stat(f)
          entry = pos&.find { |p, _| File.expand_path(p, dir) == File.expand_path(f) }&.last
          entry && entry[1] == st.ino && entry[0] == st.size
        end
        return if behind.empty?
        if Time.now > deadline
          rel = behind.first.sub("#{dir}/", '')
          raise Failure, "#{pos_file} does not exist: in_tail needs `pos_file #{pos_file}`" unless pos
          got = pos.find { |p, _| File.expand_path(p, dir) == File.expand_path(behind.first) }&.last
          raise Failure, "in_tail did not read #{rel} to its end within #{timeout} s (#{pos_file} has #{got ? "#{got[0]} of #{File.size(behind.first)} bytes" : 'no entry for it: is it matched by your path?'})"
        end
        sleep 0.2
      end
    end

    def route_events(ctx)
      agent = ctx.agent
      events = Data.route_events(ctx.seed, count: 300)
      agent.start
      Send.http_session { |c| events.select { |e| e[:via] == 'http' }.each { |e| Send.http(c, e[:tag], e[:record], time: e[:time]) } }
      events.select { |e| e[:via] == 'forward' }.group_by { |e| e[:tag] }.each { |tag, es| Send.forward_or_fail(tag, es.map { |e| [e[:time], e[:record]] }) }
      say "sent #{events.size} events (#{events.count { |e| e[:via] == 'http' }} over HTTP, the rest over forward)"
      agent.flush!
      agent.stop
    end

    def tail_rotation(ctx)
      dir = ctx.dir
      agent = ctx.agent
      lines = Data.access_lines(ctx.seed, count: 1200)
      files = %w[web-1 web-2].to_h { |s| [s, File.join(dir, 'logs', s, 'access.log')] }
      parts = [0.4, 0.2, 0.2, 0.1, 0.1]
      cuts = parts.each_with_index.map { |_, i| (lines.size * parts[0..i].sum).round }
      batch = ->(i) { lines[(i.zero? ? 0 : cuts[i - 1])...cuts[i]] }
      write = ->(i) { batch.(i).group_by { |l| l[:server] }.each { |s, ls| Send.append(files[s], ls.map { |l| l[:line] }) } }
      files.each_value { |f| Send.append(f, []) }
      write.(0)
      agent.start
      wait_tailed(dir, 'state/access.pos', files.values, agent: agent)
      write.(1)
      wait_tailed(dir, 'state/access.pos', files.values, agent: agent)
      files.each_value { |f| File.rename(f, "#{f}.1") }
      say 'rotated logs/*/access.log to access.log.1'
      write.(2)
      wait_tailed(dir, 'state/access.pos', files.values, agent: agent)
      agent.stop
      say 'stopped Fluentd; writing while it is down'
      write.(3)
      agent.start
      wait_tailed(dir, 'state/access.pos', files.values, agent: agent)
      write.(4)
      wait_tailed(dir, 'state/access.pos', files.values, agent: agent)
      say "wrote #{lines.size} lines (#{lines.count { |l| !l[:ok] }} malformed) with a rotation and a restart"
      agent.flush!
      agent.stop
    end

    # The input of a parse-filter run: what the grader prepared (no seed in this container, where
    # the learner's Ruby runs), or, for `de-lab run`, the seeded data itself.
    def parse_filter_input(ctx)
      if ctx.input
        data = JSON.parse(File.read(ctx.input))
        return [data['shop'].map { |e| { tag: e['tag'], body: e['body'] } }, data['legacy']]
      end
      [Data.shop_events(ctx.seed, count: 240), Data.legacy_rows(ctx.seed, count: 80).map { |r| r[:line] }]
    rescue Errno::ENOENT, JSON::ParserError, NoMethodError
      raise "the grader's input #{ctx.input} is missing or unreadable"
    end

    def parse_filter(ctx)
      dir = ctx.dir
      shop, legacy = parse_filter_input(ctx)
      agent = ctx.agent
      tsv = File.join(dir, 'logs', 'legacy.tsv')
      Send.append(tsv, legacy)
      agent.start
      Send.http_session { |c| shop.each { |e| Send.http(c, e[:tag], nil, raw: JSON.generate(e[:body])) } }
      wait_tailed(dir, 'state/legacy.pos', [tsv], agent: agent)
      say "sent #{shop.size} shop events over HTTP and #{legacy.size} legacy TSV lines"
      agent.flush!
      agent.stop
    end

    def buffer_workers(ctx)
      dir = ctx.dir
      agent = ctx.agent
      metrics = Data.metrics(ctx.seed, count: 600)
      first, second = metrics.each_slice(300).to_a
      beats = File.join(dir, 'logs', 'heartbeat.log')
      Send.append(beats, Array.new(50) { |i| "beat #{ctx.seed.abs % 100_000}-#{i}" })
      agent.start
      send = ->(es) { es.group_by { |e| e[:tag] }.each { |tag, group| Send.forward_or_fail(tag, group.map { |e| [e[:time], e[:record]] }) } }
      send.(first)
      wait_tailed(dir, 'state/heartbeat.pos', [beats], agent: agent)
      early = Outputs.rows(File.join(dir, 'out')).count { |r| r.record.is_a?(Hash) && r.record['id'].to_s.start_with?('m') }
      staged = agent.buffered_chunks
      tail_workers = (agent.plugins || []).select { |p| p['type'] == 'tail' }.map { |p| p['worker'] }.uniq
      ctx.note('before_crash' => { 'records_written' => early, 'chunks' => staged, 'workers' => agent.workers, 'tail_workers' => tail_workers })
      say "sent #{first.size} metrics; #{staged} chunks in the buffers, #{early} records already written; crashing Fluentd (SIGKILL)"
      agent.kill9
      agent.start
      send.(second)
      say "restarted; sent #{second.size} more"
      raise Failure, "Fluentd still holds #{agent.buffered_chunks} chunks 30 s after SIGUSR1 (flush_thread_count?)" unless agent.flush!(timeout: 30)
      agent.stop
    end
  end
end
