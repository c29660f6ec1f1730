# Runs of the exercises that involve other services: reliable forwarding (aggregators that the
# driver kills and resumes through their control port), Kafka, and the Docker logging driver.
require 'socket'
require 'securerandom'
require_relative 'runs'
require_relative 'kafka_read'

module Day2
  # The aggregators' control port (gen/aggregator.rb): "kill", "resume", "status" → one line.
  module Ctl
    module_function

    def call(host, command, timeout: 40)
      Socket.tcp(host, 24_299, connect_timeout: 5) do |s|
        s.write("#{command}\n")
        s.close_write
        raise Failure, "aggregator #{host} did not answer #{command}" unless s.wait_readable(timeout)
        s.read.to_s.strip
      end
    rescue Errno::ECONNREFUSED, SocketError => e
      raise Failure, "cannot reach the #{host} service's control port (#{e.message}); is the day2 stack up?"
    end
  end

  module RunsMore
    module_function

    def say(text) = Runs.say(text)

    # The ids each aggregator wrote for tag fwd.<key>, asked over its control port: their output
    # volume is theirs alone (the container where the learner's config runs does not mount it).
    def agg_ids(key)
      %w[aggregator-a aggregator-b].to_h do |name|
        answer = Ctl.call(name, "ids fwd.#{key}")
        ids = JSON.parse(answer) rescue raise(Failure, "aggregator #{name} answered #{answer[0, 100].inspect} to ids")
        [name, ids]
      end
    end

    def reliable_forwarding(ctx, _opts)
      agent = ctx.agent
      key = SecureRandom.hex(4)
      ctx.note('key' => key)
      main = Data.orders(ctx.seed, count: 1200, prefix: 'f')
      late = Data.orders(ctx.seed + 1, count: 100, prefix: 'g')
      %w[aggregator-a aggregator-b].each { |a| Ctl.call(a, 'resume') }
      agent.start
      started = Process.clock_gettime(Process::CLOCK_MONOTONIC)
      Send.http_session do |c|
        main.each_with_index do |e, i|
          Send.pace(300, i, started)
          Send.http(c, "fwd.#{key}", e[:record], time: e[:time])
          next unless i == 400
          # Kill between two chunks: Fluentd 1.18 marks a node that dies while it owes an ack as
          # unavailable without re-balancing, so its standby would never be engaged.
          drained = Time.now + 10
          sleep 0.1 until agent.outputs.sum { |p| p['buffer_total_queued_size'].to_i }.zero? || Time.now > drained
          ctx.note('before_kill' => agg_ids(key).transform_values(&:size))
          say "sent 400 events; killing aggregator-a (SIGKILL) mid-stream: #{Ctl.call('aggregator-a', 'kill')}"
        end
      end
      say "sent #{main.size} events; waiting for them at the aggregators (aggregator-a stays down)"
      want = main.map { |e| e[:id] }.to_set
      deadline = Time.now + 15
      until (want - agg_ids(key).values.flatten - VerifyMore.secondary_ids(ctx.dir).to_a).empty? || Time.now > deadline
        sleep 0.3
      end
      say "resuming aggregator-a: #{Ctl.call('aggregator-a', 'resume')}"
      say "killing both aggregators, then #{late.size} more events: the forwarder must give up and use <secondary>"
      %w[aggregator-a aggregator-b].each { |a| Ctl.call(a, 'kill') }
      Send.http_session { |c| late.each { |e| Send.http(c, "fwd.#{key}", e[:record], time: e[:time]) } }
      wanted = late.map { |e| e[:id] }.to_set
      deadline = Time.now + 20
      until (wanted - VerifyMore.secondary_ids(ctx.dir)).empty? || Time.now > deadline
        sleep 0.3
      end
      %w[aggregator-a aggregator-b].each { |a| Ctl.call(a, 'resume') }
      agent.flush!(timeout: 10)
      agent.stop
      %w[aggregator-a aggregator-b].each { |a| Ctl.call(a, 'flush') }
    end

    TOPICS = %w[orders payments refunds].freeze

    def kafka_output(ctx, _opts)
      agent = ctx.agent
      kafka = KafkaRead.client
      TOPICS.each { |t| KafkaRead.delete(kafka, t) }
      events = Data.orders(ctx.seed, count: 300, prefix: 'k')
      agent.start
      Send.http_session { |c| events.each { |e| Send.http(c, 'shop.orders', e[:record], time: e[:time]) } }
      say "sent #{events.size} events over HTTP to tag shop.orders"
      agent.flush!
      agent.stop
    end

    # docker-logging: the run starts your Fluentd, waits for the lines of your app containers
    # (started by `docker compose up` in between), then flushes.
    def docker_logging(ctx, opts)
      agent = ctx.agent
      phase = opts[:phase] || 'serve'
      if %w[start serve].include?(phase)
        agent.start
        say "Fluentd is listening (forward on 24224). Now start your app: docker compose -f day2/docker-logging/compose.yaml up"
        return if phase == 'start'
      else
        agent.attach!
      end
      want = opts[:expect] || Data.app_lines(ctx.seed).values.sum(&:size)
      deadline = Time.now + (phase == 'serve' ? 600 : 40)
      sleep 0.3 until agent.input_records('forward') >= want || Time.now > deadline
      ctx.note('received' => agent.input_records('forward'))
      say "received #{agent.input_records('forward')} of #{want} lines from the app containers"
      agent.flush!
      agent.stop
    end
  end
end
