#!/usr/bin/env ruby
# de-lab day 2 driver (runs in the fluentd container; Ruby and Fluentd's gems are there).
#
#   day2.rb run <exercise> [--dir D] [--seed N] [--run-dir R]     start your config, feed the seeded input, flush, stop
#   day2.rb verify <exercise> <aspect> --dir D --seed N --run-dir R   one grader check: prints PASS: … or FAIL: …
#   day2.rb gen [--kind access|http|forward] [--seed N] [--events N] [--rate R] [--malformed-share X] [--out DIR] [--tag T]
#
# `de-lab run day2 <exercise>` and `de-lab check` call `run`; `de-lab gen day2` calls `gen`.
require 'json'
require 'optparse'
require 'fileutils'
$LOAD_PATH.unshift(File.join(__dir__, 'lib'))
require 'data'
require 'agent'
require 'send'
require 'outputs'
require 'runs'
require 'verify'
require 'runs_more'
require 'verify_more'
require 'generate'

module Day2
  class Ctx
    attr_reader :dir, :seed, :run_dir, :conf

    def initialize(dir:, seed:, run_dir:, conf:)
      @dir = File.expand_path(dir)
      @seed = seed
      @run_dir = run_dir
      @conf = conf
    end

    def agent
      @agent ||= Agent.new(conf: conf, dir: dir, run_dir: run_dir)
    end

    def log = File.join(run_dir, 'fluentd.log')

    def notes
      file = File.join(run_dir, 'notes.json')
      File.exist?(file) ? JSON.parse(File.read(file)) : {}
    end

    def note(hash)
      FileUtils.mkdir_p(run_dir)
      File.write(File.join(run_dir, 'notes.json'), JSON.generate(notes.merge(hash)))
    end
  end

  EXERCISES = {
    'route-events' => 'fluent.conf', 'tail-rotation' => 'fluent.conf', 'parse-filter' => 'fluent.conf',
    'buffer-workers' => 'fluent.conf', 'docker-logging' => 'fluent.conf', 'reliable-forwarding' => 'forwarder.conf',
    'kafka-output' => 'fluent.conf'
  }.freeze

  def self.main(argv)
    command = argv.shift
    opts = { seed: 20_261_123, run_dir: '/tmp/de-lab-day2/learner', dir: Dir.pwd }
    parser = OptionParser.new do |o|
      o.on('--dir DIR') { |v| opts[:dir] = v }
      o.on('--seed N', Integer) { |v| opts[:seed] = v }
      o.on('--run-dir DIR') { |v| opts[:run_dir] = v }
      o.on('--conf FILE') { |v| opts[:conf] = v }
      o.on('--phase NAME') { |v| opts[:phase] = v }
      o.on('--expect N', Integer) { |v| opts[:expect] = v }
    end
    case command
    when 'run'
      exercise = argv.shift
      parser.parse!(argv)
      raise Failure, "unknown exercise #{exercise.inspect}; one of #{EXERCISES.keys.join(', ')}" unless EXERCISES.key?(exercise)
      ctx = Ctx.new(dir: opts[:dir], seed: opts[:seed], run_dir: opts[:run_dir], conf: opts[:conf] || EXERCISES[exercise])
      unless opts[:phase] && opts[:phase] != 'start'
        FileUtils.rm_rf(ctx.run_dir)
        Runs.fresh(ctx.dir)
      end
      FileUtils.mkdir_p(ctx.run_dir)
      runner = exercise.tr('-', '_')
      begin
        Runs.respond_to?(runner) ? Runs.send(runner, ctx) : RunsMore.send(runner, ctx, opts)
      rescue StandardError
        ctx.agent.stop if ctx.agent.pid
        raise
      end
      Runs.say "done: see #{exercise}/out/ (Fluentd's own log: de-lab shell day2 fluentd -- cat #{ctx.log})" unless opts[:phase] == 'start'
      0
    when 'verify'
      exercise = argv.shift
      aspect = argv.shift
      parser.parse!(argv)
      ctx = Ctx.new(dir: opts[:dir], seed: opts[:seed], run_dir: opts[:run_dir], conf: EXERCISES[exercise])
      m = exercise.tr('-', '_')
      ok, text = Verify.respond_to?(m) ? Verify.send(m, ctx, aspect) : VerifyMore.send(m, ctx, aspect)
      puts "#{ok ? 'PASS' : 'FAIL'}: #{text}"
      0
    when 'gen'
      Generate.main(argv)
    else
      warn File.read(__FILE__).lines.grep(/^#  /).join
      2
    end
  rescue ConfigError, Failure => e
    warn e.message
    3
  rescue Errno::ECONNREFUSED, Errno::ECONNRESET, Timeout::Error, IOError => e
    warn "lost the connection to Fluentd (#{e.class}: #{e.message})"
    3
  end
end

exit(Day2.main(ARGV.dup)) if $PROGRAM_NAME == __FILE__
