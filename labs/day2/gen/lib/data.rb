# Seeded data for day 2. Everything here is a pure function of the seed (Ruby's Random is
# MT19937, the same on every machine), so the graders recompute what Fluentd must produce.
require 'time'

module Day2
  module Data
    module_function

    KST = '+09:00'
    AGENTS = ['Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0', 'Mozilla/5.0 (Macintosh) Safari/17.4', 'curl/8.5.0', 'Googlebot/2.1 (+http://www.google.com/bot.html)'].freeze
    PATHS = ['/', '/products', '/products/%d', '/cart', '/api/orders/%d', '/search?q=shoes', '/static/app.js'].freeze
    CODES = [200, 200, 200, 200, 200, 201, 301, 304, 404, 500].freeze

    # First day of the data: 1 to 28 March 2026, chosen by the seed.
    def base_day(seed)
      Time.utc(2026, 3, 1) + (seed.abs % 28) * 86_400
    end

    # Apache combined log lines over `days` days from two servers (web-1, web-2), each
    # server's lines in time order. A `malformed` share is cut short inside the request
    # (apache2 cannot parse them). Every line carries a unique request id (rid=...).
    # Returns [{server:, line:, rid:, time: (Time, UTC), ok: bool, record: {...}}].
    def access_lines(seed, count:, days: 3, malformed: 0.03)
      rng = Random.new(seed * 7919 + 11)
      start = base_day(seed)
      entries = Array.new(count) { |i| { rid: format('%d-%06d', seed.abs % 100_000, i), at: start + rng.rand(days * 86_400) } }
      entries.sort_by! { |e| [e[:at], e[:rid]] }
      entries.each do |e|
        ip = "10.#{rng.rand(256)}.#{rng.rand(256)}.#{1 + rng.rand(254)}"
        path = format(PATHS[rng.rand(PATHS.size)], rng.rand(1000))
        path += (path.include?('?') ? '&' : '?') + "rid=#{e[:rid]}"
        method = rng.rand < 0.8 ? 'GET' : 'POST'
        code = CODES[rng.rand(CODES.size)]
        size = code == 304 ? nil : 200 + rng.rand(50_000)
        agent = AGENTS[rng.rand(AGENTS.size)]
        local = e[:at].getlocal(KST)
        line = %(#{ip} - - [#{local.strftime('%d/%b/%Y:%H:%M:%S %z')}] "#{method} #{path} HTTP/1.1" #{code} #{size || '-'} "-" "#{agent}")
        bad = rng.rand < malformed
        line = line[0, line.index(' HTTP/1.1') + 5] if bad
        e.merge!(server: rng.rand < 0.5 ? 'web-1' : 'web-2', line: line, ok: !bad, time: e[:at],
                 record: { 'host' => ip, 'method' => method, 'path' => path, 'code' => code, 'size' => size, 'agent' => agent })
      end
      entries
    end

    # The event stream of route-events: [{id:, tag:, via: 'http'|'forward', time: Time, record:}].
    ROUTE_TAGS = ['app.web', 'app.api.v1', 'app.api.v2', 'audit.login', 'audit.admin', 'debug.web', 'debug.api.v1'].freeze
    def route_events(seed, count:)
      rng = Random.new(seed * 104_729 + 3)
      start = base_day(seed)
      Array.new(count) do |i|
        tag = ROUTE_TAGS[rng.rand(ROUTE_TAGS.size)]
        at = start + rng.rand(86_400) + rng.rand(1000) / 1000.0
        at = Time.at(at.to_i) if i.even? # http carries whole seconds
        { id: "e#{seed.abs % 100_000}-#{i}", tag: tag, via: i.even? ? 'http' : 'forward', time: at.utc,
          record: { 'id' => "e#{seed.abs % 100_000}-#{i}", 'user' => 1 + rng.rand(500), 'action' => %w[view click buy login logout][rng.rand(5)] } }
      end
    end

    # parse-filter: shop events from services × environments, with a Seoul-local `ts`
    # and a key=value `msg`; plus legacy TSV rows with an explicit UTC offset.
    SERVICES = %w[cart pay search].freeze
    def shop_events(seed, count:)
      rng = Random.new(seed * 15_485_863 + 5)
      start = base_day(seed)
      Array.new(count) do |i|
        at = start + rng.rand(2 * 86_400)
        service = SERVICES[rng.rand(SERVICES.size)]
        env = rng.rand < 0.8 ? 'prod' : 'staging'
        level = %w[INFO INFO INFO WARN DEBUG][rng.rand(5)]
        user = 1 + rng.rand(900)
        amount = (rng.rand(100_000) / 100.0).round(2)
        items = 1 + rng.rand(9)
        action = %w[checkout refund view][rng.rand(3)]
        { id: "s#{i}", tag: "shop.#{service}.#{env}", time: at, level: level, env: env, service: service,
          body: { 'ts' => at.getlocal(KST).strftime('%Y-%m-%d %H:%M:%S'), 'level' => level, 'req' => "s#{seed.abs % 100_000}-#{i}",
                  'msg' => format('user=%d action=%s amount=%.2f items=%d', user, action, amount, items) },
          parsed: { 'user' => user, 'action' => action, 'amount' => amount, 'items' => items } }
      end
    end

    ZONES = ['-05:00', '+01:00', '+05:30', '+00:00'].freeze
    def legacy_rows(seed, count:)
      rng = Random.new(seed * 32_452_843 + 7)
      start = base_day(seed)
      Array.new(count) do |i|
        at = start + rng.rand(2 * 86_400)
        zone = ZONES[rng.rand(ZONES.size)]
        user = 1 + rng.rand(900)
        amount = (rng.rand(50_000) / 100.0).round(2)
        { id: "l#{i}", time: at, line: [at.getlocal(zone).strftime('%Y-%m-%dT%H:%M:%S%z'), "l#{seed.abs % 100_000}-#{i}", user, 'checkout', format('%.2f', amount)].join("\t"),
          record: { 'req' => "l#{seed.abs % 100_000}-#{i}", 'user' => user, 'action' => 'checkout', 'amount' => amount } }
      end
    end

    # buffer-workers: metrics over 4 hours (across midnight UTC) from three hosts, in event-time order.
    HOSTS = %w[web-1 web-2 db-1].freeze
    def metrics(seed, count:)
      rng = Random.new(seed * 49_979_687 + 13)
      start = base_day(seed) + 22 * 3600
      Array.new(count) do |i|
        at = start + rng.rand(4 * 3600)
        { id: "m#{seed.abs % 100_000}-#{i}", tag: rng.rand < 0.5 ? 'metrics.cpu' : 'metrics.mem', time: at,
          record: { 'id' => "m#{seed.abs % 100_000}-#{i}", 'host' => HOSTS[rng.rand(HOSTS.size)], 'value' => rng.rand(10_000) / 100.0 } }
      end.sort_by { |e| e[:time] }
    end

    # Generic events for forwarding and Kafka: id, service, user, amount.
    def orders(seed, count:, prefix: 'o')
      rng = Random.new(seed * 86_028_121 + 17)
      start = base_day(seed)
      Array.new(count) do |i|
        { id: "#{prefix}#{seed.abs % 100_000}-#{i}", time: start + i,
          record: { 'id' => "#{prefix}#{seed.abs % 100_000}-#{i}", 'service' => %w[orders payments refunds][rng.rand(3)], 'user' => "u#{1 + rng.rand(50)}", 'amount' => rng.rand(100_000) / 100.0 } }
      end
    end
  end
end

module Day2
  module Data
    module_function

    # docker-logging: what the app containers print (the same rule as exercises/docker-logging/starter/app/emit.rb).
    def app_lines(seed)
      { 'web' => Array.new(20 + seed.abs % 17) { |i| "web #{seed} request #{i}" },
        'worker' => Array.new(10 + seed.abs % 13) { |i| "worker #{seed} job #{i}" } }
    end
  end
end
