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
  agent = Day2::Agent.new(conf: conf, dir: dir, run_dir: opts[:run_dir])
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

# The graded settings of the kafka2 output and the tail input, as Fluentd parses them.
def settings(opts)
  require 'fluent/config'
  conf = Fluent::Config.build(config_path: opts[:conf])
  all = []
  walk = lambda do |e, label|
    all << [e, label]
    e.elements.each { |c| walk.call(c, c.name == 'label' ? c.arg : label) }
  end
  walk.call(conf, nil)
  problems = []
  tail = all.map(&:first).find { |e| e.name == 'source' && e['@type'] == 'tail' }
  problems << 'no <source> with @type tail' unless tail
  problems << "in_tail has no `pos_file #{POS}`" if tail && File.expand_path(tail['pos_file'].to_s, '/x') != File.expand_path(POS, '/x')
  kafka = all.map(&:first).find { |e| e.name == 'match' && e['@type'] == 'kafka2' }
  if kafka.nil?
    problems << 'no <match> with @type kafka2'
  else
    buffer = kafka.elements.find { |e| e.name == 'buffer' }
    problems << "kafka2's <buffer> is not @type file (a crash loses what a memory buffer holds)" unless buffer && buffer['@type'] == 'file'
    problems << "kafka2's required_acks is #{kafka['required_acks'] || 'not set (1)'}, not -1" unless kafka['required_acks'].to_s.strip == '-1'
    codec = kafka['compression_codec'].to_s.strip
    problems << 'kafka2 has no compression_codec (gzip, snappy, lz4 or zstd)' unless %w[gzip snappy lz4 zstd].include?(codec)
    problems << "kafka2's use_event_time is not true (the Kafka timestamp would be the time of sending)" unless kafka['use_event_time'].to_s.strip == 'true'
  end
  errors = all.find { |e, label| label == '@ERROR' && e.name == 'match' }
  problems << 'no <label @ERROR> with a <match> for the lines that do not parse' unless errors
  if problems.empty?
    puts "PASS: in_tail with #{POS}; kafka2 with a file buffer, required_acks -1, compression_codec #{codec}, use_event_time; an @ERROR output"
  else
    puts "FAIL: #{problems.join('; ')}"
  end
rescue Fluent::ConfigError => e
  puts "FAIL: Fluentd cannot read #{File.basename(opts[:conf])}: #{e.message}"
end

def run(opts)
  agent = Day2::Agent.new(conf: 'fluent.conf', dir: opts[:dir], run_dir: opts[:run_dir])
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
