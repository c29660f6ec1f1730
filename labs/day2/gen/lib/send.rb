# How the seeded data reaches Fluentd: HTTP posts, forward messages (with acks) and log files.
require 'json'
require 'net/http'
require 'socket'
require 'msgpack'
require 'securerandom'
require 'fileutils'

module Day2
  module Send
    module_function

    # POST one JSON record to in_http; `time` (epoch seconds) goes in the query unless nil.
    def http(conn, tag, record, time: nil, raw: nil)
      path = "/#{tag}" + (time ? "?time=#{time.to_i}" : '')
      req = Net::HTTP::Post.new(path, 'Content-Type' => 'application/json')
      req.body = raw || JSON.generate(record)
      res = conn.request(req)
      raise Failure, "in_http answered #{res.code} to POST #{path}: #{res.body.to_s[0, 200]}" unless res.code.to_i.between?(200, 299)
    end

    def http_session(port: 9880, &block)
      Net::HTTP.start('127.0.0.1', port, open_timeout: 5, read_timeout: 20, &block)
    rescue Errno::ECONNREFUSED
      raise Failure, "nothing listens on port #{port}: your config needs an http <source> on port #{port}"
    end

    def event_time(time)
      MessagePack::ExtensionValue.new(0, [time.to_i, (time.nsec / 1_000_000) * 1_000_000].pack('NN'))
    end

    # Forward protocol, Forward mode with a `chunk` option: Fluentd acks once the events are in
    # its router (so in the outputs' buffers). entries: [[Time, record], ...]
    def forward(tag, entries, port: 24_224, host: '127.0.0.1')
      sock = Socket.tcp(host, port, connect_timeout: 5)
      entries.each_slice(200) do |slice|
        chunk = SecureRandom.base64(16)
        sock.write(MessagePack.pack([tag, slice.map { |t, r| [event_time(t), r] }, { 'chunk' => chunk, 'size' => slice.size }]))
        unpacker = MessagePack::Unpacker.new
        ack = nil
        until ack
          raise Failure, "no ack from in_forward on port #{port} within 20 s" unless sock.wait_readable(20)
          data = sock.readpartial(4096)
          unpacker.feed_each(data) { |m| ack = m }
        end
        raise Failure, "in_forward acked #{ack.inspect}, not #{chunk}" unless ack.is_a?(Hash) && ack['ack'] == chunk
      end
    ensure
      sock&.close
    end

    def forward_or_fail(tag, entries, port: 24_224)
      forward(tag, entries, port: port)
    rescue Errno::ECONNREFUSED
      raise Failure, "nothing listens on port #{port}: your config needs a forward <source> on port #{port}"
    end

    def append(path, lines)
      FileUtils.mkdir_p(File.dirname(path))
      File.open(path, 'a') { |f| lines.each { |l| f.write(l, "\n") } }
    end

    # Paces a loop at `rate` items per second (0 = as fast as possible).
    def pace(rate, index, started)
      return if rate.to_f <= 0
      ahead = started + index / rate.to_f - Process.clock_gettime(Process::CLOCK_MONOTONIC)
      sleep(ahead) if ahead.positive?
    end
  end
end
