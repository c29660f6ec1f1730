#!/usr/bin/env ruby
# An aggregator for the reliable-forwarding exercise: runs Fluentd with gen/aggregator.conf
# and takes orders on a control port (24299), one line each:
#   kill    SIGKILL Fluentd (a crash: no shutdown, no flush) and keep it down
#   resume  start it again (if down) and answer once its monitor_agent answers
#   flush   SIGUSR1 and answer once its buffers are empty
#   status  up | down
#   ids T   the ids (JSON array, in file order) of what it wrote for tags starting with T (fwd.<hex>)
require 'socket'
require 'net/http'
require 'json'

NAME = ENV.fetch('AGG_NAME')
CONF = File.join(__dir__, 'aggregator.conf')
$pid = nil

def up? = !$pid.nil? && (Process.kill(0, $pid) && true rescue false)

def monitor
  JSON.parse(Net::HTTP.get(URI('http://127.0.0.1:24220/api/plugins.json')))['plugins']
rescue StandardError
  nil
end

def start
  return 'up' if up?
  $pid = Process.spawn({ 'AGG_NAME' => NAME }, 'fluentd', '-c', CONF, '--no-supervisor', pgroup: true)
  Thread.new(pid = $pid) { Process.wait(pid) rescue nil }
  deadline = Time.now + 40
  sleep 0.2 until monitor || Time.now > deadline || !up?
  monitor ? 'up' : 'failed to start'
end

def kill
  return 'down' unless up?
  Process.kill(:KILL, -$pid) rescue nil
  sleep 0.05 while up?
  $pid = nil
  'down'
end

OUT = File.join('/fluentd/buffer/agg', NAME)

def ids(prefix)
  list = Dir.glob(File.join(OUT, "#{prefix}*")).sort.flat_map do |f|
    File.readlines(f).filter_map { |l| (JSON.parse(l)['id'] rescue nil) }
  end
  JSON.generate(list)
end

def flush
  return 'down' unless up?
  Process.kill(:USR1, $pid)
  deadline = Time.now + 20
  loop do
    left = (monitor || []).select { |p| p['output_plugin'] }.sum { |p| p['buffer_stage_length'].to_i + p['buffer_queue_length'].to_i }
    return 'flushed' if left.zero?
    return "#{left} chunks left" if Time.now > deadline
    sleep 0.2
  end
end

Signal.trap('TERM') { Process.kill(:TERM, $pid) if up?; exit 0 }
$stdout.sync = true
start
server = TCPServer.new('0.0.0.0', 24_299)
loop do
  client = server.accept
  command = client.gets.to_s.strip
  answer = case command
           when 'kill' then kill
           when 'resume' then start
           when 'flush' then flush
           when 'status' then up? ? 'up' : 'down'
           when /\Aids (fwd\.[0-9a-f]{1,32})\z/ then ids(Regexp.last_match(1))
           else "unknown command #{command}"
           end
  client.puts(answer)
  client.close
rescue StandardError => e
  client&.puts("error: #{e.message}") rescue nil
  client&.close rescue nil
end
