#!/usr/bin/env ruby
# Day 5 Fluentd driver (fluentd container). Reuses day 2's driver (/opt/de-lab/day2lib): your
# fluent.conf runs under monitor_agent, is flushed with SIGUSR1 and stopped with SIGTERM.
#
#   tail.rb grade    --dir D --run-dir R [--topic T]   the graded run of fluentd-to-kafka (your
#                    config with T in place of ratings-raw, so a check leaves your topic alone): the lines that
#                    day5.py lines wrote to D/.feed/ are appended to D/incoming/*.log in three
#                    parts: before Fluentd starts, while it runs, and while it is stopped (a
#                    restart must resume where the pos file says, losing and repeating nothing).
#   tail.rb run      --dir D [--run-dir R]  `de-lab run day5 fluentd-to-kafka`: start your config
#                    and keep it running (tailing D/incoming/*.log) until it is stopped.
#   tail.rb stop                          stop a config started by `run`
#   tail.rb settings --conf F             the graded settings, read with Fluentd's own parser
require 'optparse'
require 'fileutils'
$LOAD_PATH.unshift('/opt/de-lab/day2lib')
require 'agent'
require 'runs'

POS = 'state/ratings.pos'.freeze

def parse_opts(argv)
  opts = { run_dir: "/tmp/de-lab-day5/#{Process.pid}" }
  OptionParser.new do |o|
    o.on('--dir D') { |v| opts[:dir] = File.expand_path(v) }
    o.on('--run-dir R') { |v| opts[:run_dir] = v }
    o.on('--conf F') { |v| opts[:conf] = v }
    o.on('--topic T') { |v| opts[:topic] = v }
  end.parse!(argv)
  opts
end

def thirds(lines)
  a = lines.size / 3
  [lines[0...a], lines[a...(2 * a)], lines[(2 * a)..]]
end

def append(path, lines)
  File.open(path, 'a') { |f| lines.each { |l| f.write(l) } }
end

def grade(opts)
  dir = opts[:dir]
  feeds = Dir[File.join(dir, '.feed', '*.log')].sort
  raise Day2::Failure, "no feed in #{dir}/.feed (day5.py lines writes it)" if feeds.empty?
  incoming = File.join(dir, 'incoming')
  FileUtils.mkdir_p(incoming)
  parts = feeds.to_h { |f| [File.join(incoming, File.basename(f)), thirds(File.readlines(f))] }
  targets = parts.keys
  parts.each { |path, (first, _, _)| append(path, first) }
  # Graded under a topic of its own: the learner's pipeline keeps its ratings-raw.
  conf = 'fluent.conf'
  if opts[:topic]
    conf = '.fluent.graded.conf'
    File.write(File.join(dir, conf), File.read(File.join(dir, 'fluent.conf')).gsub(/\bratings-raw\b/, opts[:topic]))
  end
  agent = Day2::Agent.new(conf: conf, dir: dir, run_dir: opts[:run_dir], exercise: 'fluentd-to-kafka')
  begin
    feed(agent, dir, parts, targets)
  ensure
    agent.stop if agent.pid # a failed run must not leave a Fluentd publishing into the next one
  end
  Day2::Runs.say "done: #{parts.values.sum { |p| p.sum(&:size) }} lines in #{targets.size} files"
end

def feed(agent, dir, parts, targets)
  agent.start
  Day2::Runs.say "Fluentd started; appending while it runs"
  5.times do |i|
    parts.each do |path, (_, second, _)|
      slice = second.each_slice((second.size / 5.0).ceil).to_a[i]
      append(path, slice) if slice
    end
    sleep 0.2
  end
  Day2::Runs.wait_tailed(dir, POS, targets, timeout: 30, agent: agent)
  agent.flush!(timeout: 30)
  agent.stop
  Day2::Runs.say 'Fluentd stopped (SIGTERM); appending while it is stopped'
  parts.each { |path, (_, _, third)| append(path, third) }
  agent.start
  Day2::Runs.say 'Fluentd started again'
  Day2::Runs.wait_tailed(dir, POS, targets, timeout: 30, agent: agent)
  agent.flush!(timeout: 30)
end

# Fluentd's own parser, without running anything the file says: embedded Ruby ("#{...}") is read
# as the text "(embedded code)" instead of being run, and @include is refused (the graded file is
# fluent.conf alone). The settings check runs in a judge container, where nothing of a learner runs.
class NoEval
  def instance_eval(*) = '(embedded code)'
end

def read_config(path)
  require 'fluent/config'
  require 'fluent/config/v1_parser'
  parser = Class.new(Fluent::Config::V1Parser) do
    def eval_include(*)
      parse_error! '@include is not read by the grader: put everything in fluent.conf'
    end
  end
  data = File.read(path, encoding: 'utf-8')
  ss = StringScanner.new(data)
  parser.new(ss, File.dirname(path), File.basename(path), NoEval.new).parse!
end

# The graded settings of the kafka outputs and the tail inputs, as Fluentd parses them. Every
# Kafka output and every tail input is judged (a decoy block with the right settings next to the
# one that carries the traffic does not pass), and there must be at least one of each.
def settings(opts)
  require_relative 'verdict'
  expected = "every in_tail with pos_file #{POS}; every kafka output kafka2 with a file buffer, required_acks -1, compression, use_event_time; an @ERROR output"
  conf = read_config(opts[:conf])
  all = []
  walk = lambda do |e, label|
    all << [e, label]
    e.elements.each { |c| walk.call(c, c.name == 'label' ? c.arg : label) }
  end
  walk.call(conf, nil)
  problems = []
  elements = all.map(&:first)
  tails = elements.select { |e| e.name == 'source' && e['@type'] == 'tail' }
  problems << 'no <source> with @type tail' if tails.empty?
  tails.each do |tail|
    next if File.expand_path(tail['pos_file'].to_s, '/x') == File.expand_path(POS, '/x')
    problems << "an in_tail has pos_file #{tail['pos_file'].inspect}, not #{POS}"
  end
  outputs = elements.select { |e| %w[match store].include?(e.name) && e['@type'].to_s.include?('kafka') }
  problems << 'no <match> (or <store>) with @type kafka2' if outputs.empty?
  codecs = []
  outputs.each do |kafka|
    type = kafka['@type'].to_s
    problems << "an output is @type #{type.inspect}, not kafka2" unless type == 'kafka2'
    buffer = kafka.elements.find { |e| e.name == 'buffer' }
    problems << "a kafka2's <buffer> is not @type file (a crash loses what a memory buffer holds)" unless buffer && buffer['@type'] == 'file'
    problems << "a kafka2's required_acks is #{kafka['required_acks'] || 'not set (1)'}, not -1" unless kafka['required_acks'].to_s.strip == '-1'
    codec = kafka['compression_codec'].to_s.strip
    codecs << codec
    problems << 'a kafka2 has no compression_codec (gzip, snappy, lz4 or zstd)' unless %w[gzip snappy lz4 zstd].include?(codec)
    problems << "a kafka2's use_event_time is not true (the Kafka timestamp would be the time of sending)" unless kafka['use_event_time'].to_s.strip == 'true'
  end
  errors = all.find { |e, label| label == '@ERROR' && e.name == 'match' }
  problems << 'no <label @ERROR> with a <match> for the lines that do not parse' unless errors
  if problems.empty?
    Verdict.say(true, expected, "#{tails.size} in_tail with #{POS}; #{outputs.size} kafka2 with a file buffer, required_acks -1, compression_codec #{codecs.uniq.join(', ')}, use_event_time; an @ERROR output")
  else
    Verdict.say(false, expected, problems.uniq.join('; '))
  end
rescue Fluent::ConfigError, ArgumentError, EncodingError => e
  Verdict.say(false, expected, "Fluentd cannot read #{File.basename(opts[:conf])}: #{e.message}")
rescue Errno::ENOENT
  Verdict.say(false, expected, "there is no #{File.basename(opts[:conf])}")
end

def run(opts)
  agent = Day2::Agent.new(conf: 'fluent.conf', dir: opts[:dir], run_dir: opts[:run_dir], exercise: 'fluentd-to-kafka')
  FileUtils.mkdir_p(File.join(opts[:dir], 'incoming'))
  agent.start
  puts "Fluentd runs #{opts[:dir]}/fluent.conf (pid #{agent.pid}), tailing incoming/*.log; its log: #{agent.log}"
  puts 'Stop it with: de-lab shell day5 fluentd -- ruby /opt/de-lab/gen/tail.rb stop'
end

command = ARGV.shift
opts = parse_opts(ARGV)
begin
  case command
  when 'grade' then grade(opts)
  when 'run' then run(opts)
  when 'stop' then Day2::Agent.stop_stale
  when 'settings' then settings(opts)
  else abort('usage: tail.rb grade|run|stop|settings ...')
  end
rescue Day2::ConfigError, Day2::Failure => e
  warn e.message
  exit 1
end
