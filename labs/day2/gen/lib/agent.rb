# Runs the learner's Fluentd config as a child process and watches it through monitor_agent.
# The driver wraps the learner's file: wrapper = monitor_agent (port 24220, +worker id) +
# @include <learner file>, so a learner never has to keep the monitor source in their config.
require 'json'
require 'net/http'
require 'fileutils'
require_relative 'guard'

module Day2
  class ConfigError < StandardError; end
  class Failure < StandardError; end

  class Agent
    MONITOR = 24_220
    PIDFILE = '/tmp/de-lab-day2/agent.pid'

    attr_reader :pid, :log

    def initialize(conf:, dir:, run_dir:, exercise:)
      @learner_conf = File.expand_path(conf, dir)
      @dir = dir
      @run_dir = run_dir
      @log = File.join(run_dir, 'fluentd.log')
      FileUtils.mkdir_p(run_dir)
      raise Failure, "#{conf} does not exist in #{dir}" unless File.exist?(@learner_conf)
      # Fluentd runs the copy the guard read (never evaluated), so what it checked is what runs.
      text = File.read(@learner_conf)
      @conf = File.join(run_dir, 'conf', File.basename(@learner_conf))
      FileUtils.mkdir_p(File.dirname(@conf))
      File.write(@conf, text)
      begin
        Guard.check!(@conf, exercise)
      rescue Refused => e
        raise ConfigError, "de-lab refuses #{e.message}"
      rescue Fluent::ConfigParseError => e
        raise ConfigError, "Fluentd refuses #{File.basename(@conf)}:\n#{e.message.sub('embedded code is not allowed in this file', 'embedded Ruby is not allowed')}"
      end
      @wrapper = File.join(run_dir, 'wrapper.conf')
      File.write(@wrapper, <<~CONF)
        # written by de-lab (gen/lib/agent.rb): the grader's monitor, then your file
        <source>
          @type monitor_agent
          bind 0.0.0.0
          port #{MONITOR}
        </source>
        @include #{@conf}
      CONF
    end

    # Fluentd's own message for a config it refused (from its log), with the line it names.
    def explain(out)
      lines = out.lines.map(&:rstrip)
      first = lines.index { |l| l =~ /error|Error/ } || 0
      msg = lines[first, 8].reject { |l| l.start_with?("\tfrom ") }.join("\n")
      msg = msg.gsub(@wrapper, File.basename(@conf)).gsub(/^\S+\.rb:\d+:in `[^']+': /, '')
      file_line = msg[/(?:at|line) .*?line (\d+)/, 1] || msg[/ line (\d+)/, 1]
      if file_line && File.exist?(@conf) && !msg.include?("#{file_line}:")
        src = File.readlines(@conf)
        n = file_line.to_i
        msg += "\n#{File.basename(@conf)} line #{n}: #{src[n - 1]&.rstrip}" if n.between?(1, src.size)
      end
      "Fluentd refuses #{File.basename(@conf)}:\n#{msg}"
    end

    def self.stop_stale
      return unless File.exist?(PIDFILE)
      pid = File.read(PIDFILE).to_i
      [:TERM, :KILL].each do |sig|
        begin
          Process.kill(sig, -pid)
        rescue Errno::ESRCH, Errno::EPERM
          break
        end
        20.times { break unless alive?(pid); sleep 0.1 }
      end
      File.delete(PIDFILE) rescue nil
    end

    def self.alive?(pid)
      Process.kill(0, pid)
      !File.read("/proc/#{pid}/stat").split(' ')[2].eql?('Z')
    rescue StandardError
      false
    end

    def start(extra_env: {})
      Agent.stop_stale
      FileUtils.mkdir_p(File.dirname(PIDFILE))
      # One process is enough (and starts twice as fast) unless the config asks for workers.
      solo = File.read(@conf) !~ /^\s*workers\s+([2-9]|\d\d)/ ? ['--no-supervisor'] : []
      @pid = Process.spawn(extra_env, 'fluentd', '-c', @wrapper, '--enable-input-metrics', *solo, chdir: @dir, pgroup: true,
                                                                                                   out: [@log, 'a'], err: %i[child out])
      Process.detach(@pid)
      File.write(PIDFILE, @pid.to_s)
      wait_ready
      self
    end

    # The agent an earlier `run --phase start` left running.
    def attach!
      raise Failure, 'no Fluentd started by an earlier step is running' unless File.exist?(PIDFILE)
      @pid = File.read(PIDFILE).to_i
      raise Failure, 'the Fluentd started by an earlier step has stopped' unless Agent.alive?(@pid)
      self
    end

    def wait_ready(timeout: 40)
      deadline = Time.now + timeout
      loop do
        raise ConfigError, explain(File.read(@log)) unless Agent.alive?(@pid)
        break if plugins(quiet: true)
        raise Failure, "Fluentd did not start within #{timeout} s:\n#{log_errors}" if Time.now > deadline
        sleep 0.2
      end
      wait_workers(deadline)
    end

    # The workers a config asks for start one after another: on a loaded machine worker 1 answers
    # seconds after worker 0. Wait for as many as it asks (the checks count those that answer).
    def wait_workers(deadline)
      want = File.read(@conf)[/^\s*workers\s+(\d+)/, 1].to_i.clamp(1, 8)
      sleep 0.2 while want > 1 && workers < want && Time.now < deadline + 20 && Agent.alive?(@pid)
    end

    def log_errors
      text = File.exist?(@log) ? File.read(@log) : ''
      bad = text.lines.select { |l| l =~ /\[(error|fatal)\]|Error/ }.first(6)
      (bad.empty? ? text.lines.last(8) : bad).join
    end

    # All plugins of every worker (monitor_agent answers on 24220 + worker id).
    def plugins(quiet: false)
      all = []
      (0..7).each do |w|
        body = Net::HTTP.get(URI("http://127.0.0.1:#{MONITOR + w}/api/plugins.json"))
        all.concat(JSON.parse(body)['plugins'].map { |p| p.merge('worker' => w) })
      rescue StandardError
        break
      end
      return nil if all.empty? && quiet
      all
    end

    def workers
      (plugins || []).map { |p| p['worker'] }.uniq.size
    end

    def outputs
      (plugins || []).select { |p| p['output_plugin'] }
    end

    def buffered_chunks
      outputs.sum { |p| p['buffer_stage_length'].to_i + p['buffer_queue_length'].to_i }
    end

    # SIGUSR1 makes Fluentd write out every buffer chunk now (timekey or not); then watch the
    # buffers empty. Outputs whose retries failed keep chunks: that ends the wait early.
    def flush!(timeout: 20)
      signal(:USR1)
      deadline = Time.now + timeout
      loop do
        outs = outputs
        left = outs.sum { |p| p['buffer_stage_length'].to_i + p['buffer_queue_length'].to_i }
        return true if left.zero?
        return false if Time.now > deadline
        sleep 0.2
        signal(:USR1) if outs.any? { |p| p['buffer_stage_length'].to_i.positive? }
      end
    end

    def signal(sig)
      Process.kill(sig, @pid)
    rescue Errno::ESRCH
      raise Failure, "Fluentd is not running any more:\n#{log_errors}"
    end

    def stop(timeout: 30)
      return unless Agent.alive?(@pid)
      Process.kill(:TERM, @pid)
      deadline = Time.now + timeout
      sleep 0.1 while Agent.alive?(@pid) && Time.now < deadline
      Process.kill(:KILL, -@pid) if Agent.alive?(@pid)
    rescue Errno::ESRCH
      nil
    ensure
      File.delete(PIDFILE) rescue nil
    end

    # A crash: every Fluentd process (supervisor and workers) killed at once, no shutdown.
    def kill9
      Process.kill(:KILL, -@pid)
      sleep 0.05 while Agent.alive?(@pid)
    rescue Errno::ESRCH
      nil
    end

    def input_records(type)
      (plugins || []).select { |p| p['plugin_category'] == 'input' && p['type'] == type }.sum { |p| p['emit_records'].to_i }
    end
  end
end
