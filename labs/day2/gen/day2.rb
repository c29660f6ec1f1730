#!/usr/bin/env ruby
# de-lab day 2 driver (runs in the fluentd container; Ruby and Fluentd's gems are there).
#
#   day2.rb run <exercise> --seed N|--input F [--dir D] [--run-dir R]   start your config, feed the input, flush, stop
#   day2.rb prepare <exercise> --dir D --seed N                     the grader writes a run's input (no seed for the run)
#   day2.rb verify <exercise> <aspect> --dir D --seed N --run-dir R   one grader check: prints its DE-LAB-VERDICT line
#   day2.rb guard <exercise> FILE                                  read FILE as the run would: accepted, or refused with the line
#   day2.rb gen --seed N [--kind access|http|forward] [--events N] [--rate R] [--malformed-share X] [--out DIR] [--tag T]
#
# `de-lab run day2 <exercise>` and `de-lab check` call `run`; `de-lab gen day2` calls `gen`. The seed has
# no default here: de-lab passes the course seed (labs/course.yaml) or the one it was given.
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
require 'verdict'
require 'guard'

module Day2
  class Ctx
    attr_reader :dir, :seed, :run_dir, :conf, :exercise, :input

    def initialize(dir:, seed:, run_dir:, conf:, exercise: nil, input: nil)
      @dir = File.expand_path(dir)
      @seed = seed
      @run_dir = run_dir
      @conf = conf
      @exercise = exercise
      @input = input
    end

    def agent
      @agent ||= Agent.new(conf: conf, dir: dir, run_dir: run_dir, exercise: exercise)
    end

    # The config Fluentd ran (the copy the guard read), parsed again without evaluating it.
    def ran_config
      file = File.join(run_dir, 'conf', conf)
      File.exist?(file) ? Guard.parse(file) : nil
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
    opts = { run_dir: '/tmp/de-lab-day2/learner', dir: Dir.pwd }
    parser = OptionParser.new do |o|
      o.on('--dir DIR') { |v| opts[:dir] = v }
      o.on('--seed N', Integer) { |v| opts[:seed] = v }
      o.on('--run-dir DIR') { |v| opts[:run_dir] = v }
      o.on('--conf FILE') { |v| opts[:conf] = v }
      o.on('--phase NAME') { |v| opts[:phase] = v }
      o.on('--expect N', Integer) { |v| opts[:expect] = v }
      o.on('--input FILE') { |v| opts[:input] = v }
    end
    need_seed = lambda do
      raise Failure, "day2.rb #{command}: --seed N is required (de-lab passes the course seed)" unless opts[:seed]
    end
    case command
    when 'run'
      exercise = argv.shift
      parser.parse!(argv)
      # A run fed the grader's prepared --input (parse-filter in grading) carries no seed on purpose:
      # the learner's Ruby runs in this container and could read it from /proc.
      need_seed.call unless opts[:input]
      raise Failure, "unknown exercise #{exercise.inspect}; one of #{EXERCISES.keys.join(', ')}" unless EXERCISES.key?(exercise)
      ctx = Ctx.new(dir: opts[:dir], seed: opts[:seed], run_dir: opts[:run_dir], conf: opts[:conf] || EXERCISES[exercise],
                    exercise: exercise, input: opts[:input])
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
    when 'prepare'
      exercise = argv.shift
      parser.parse!(argv)
      need_seed.call
      Prepare.send(exercise.tr('-', '_'), File.expand_path(opts[:dir]), opts[:seed])
      0
    when 'verify'
      exercise = argv.shift
      aspect = argv.shift
      parser.parse!(argv)
      need_seed.call
      raise "unknown aspect #{exercise}/#{aspect}" unless Verdict::EXPECTED.key?("#{exercise}/#{aspect}")
      ctx = Ctx.new(dir: opts[:dir], seed: opts[:seed], run_dir: opts[:run_dir], conf: EXERCISES[exercise], exercise: exercise)
      m = exercise.tr('-', '_')
      ok, text = Verify.respond_to?(m) ? Verify.send(m, ctx, aspect) : VerifyMore.send(m, ctx, aspect)
      Verdict.emit(ok, Verdict::EXPECTED["#{exercise}/#{aspect}"], text)
      0
    when 'guard'
      exercise = argv.shift
      file = argv.shift
      raise Failure, "unknown exercise #{exercise.inspect}" unless EXERCISES.key?(exercise)
      Guard.check!(file, exercise)
      puts "accepted: #{File.basename(file)}"
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
  rescue Refused => e
    warn "de-lab refuses #{e.message}"
    3
  rescue Fluent::ConfigParseError => e
    warn "Fluentd refuses #{e.message}"
    3
  rescue Errno::ECONNREFUSED, Errno::ECONNRESET, Timeout::Error, IOError => e
    warn "lost the connection to Fluentd (#{e.class}: #{e.message})"
    3
  end
end

exit(Day2.main(ARGV.dup)) if $PROGRAM_NAME == __FILE__
