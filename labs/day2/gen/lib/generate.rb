# `de-lab gen day2`: the seeded data on its own, for trying a config by hand.
#   --kind access   Apache combined logs into <out>/web-{1,2}/access.log, rotated every --rotate-every lines
#   --kind http     events POSTed to the Fluentd you run (http source on 9880), tag --tag
#   --kind forward  the same over the forward protocol (24224), with acks
require 'optparse'
require 'digest'
require_relative 'data'
require_relative 'send'

module Day2
  module Generate
    module_function

    def main(argv)
      o = { kind: 'access', events: 1000, rate: 0.0, malformed: 0.03, out: 'logs', tag: 'app.web', rotate_every: 0, days: 3 }
      json = false
      OptionParser.new do |p|
        p.on('--kind KIND', %w[access http forward]) { |v| o[:kind] = v }
        p.on('--seed N', Integer) { |v| o[:seed] = v }
        p.on('--events N', Integer) { |v| o[:events] = v }
        p.on('--rate R', Float) { |v| o[:rate] = v }
        p.on('--malformed-share X', Float) { |v| o[:malformed] = v }
        p.on('--days N', Integer) { |v| o[:days] = v }
        p.on('--out DIR') { |v| o[:out] = v }
        p.on('--tag TAG') { |v| o[:tag] = v }
        p.on('--rotate-every N', Integer) { |v| o[:rotate_every] = v }
        p.on('--summary-json') { json = true }
      end.parse!(argv)
      # No seed of its own: de-lab passes the course seed (labs/course.yaml).
      unless o[:seed]
        warn 'day2.rb gen: --seed N is required (de-lab gen passes the course seed)'
        return 2
      end

      started = Process.clock_gettime(Process::CLOCK_MONOTONIC)
      digest = Digest::SHA256.new
      summary = { 'kind' => o[:kind], 'seed' => o[:seed], 'events' => o[:events] }
      case o[:kind]
      when 'access'
        lines = Data.access_lines(o[:seed], count: o[:events], days: o[:days], malformed: o[:malformed])
        written = Hash.new(0)
        rotations = 0
        lines.each_with_index do |l, i|
          Send.pace(o[:rate], i, started)
          file = File.join(o[:out], l[:server], 'access.log')
          if o[:rotate_every].positive? && written[file] >= o[:rotate_every]
            n = 1
            n += 1 while File.exist?("#{file}.#{n}")
            n.downto(2) { |k| File.rename("#{file}.#{k - 1}", "#{file}.#{k}") }
            File.rename(file, "#{file}.1")
            written[file] = 0
            rotations += 1
          end
          Send.append(file, [l[:line]])
          written[file] += 1
          digest << l[:line] << "\n"
        end
        summary.merge!('malformed' => lines.count { |l| !l[:ok] }, 'rotations' => rotations, 'out' => o[:out],
                       'days' => lines.group_by { |l| l[:time].strftime('%Y-%m-%d') }.transform_values(&:size))
      when 'http', 'forward'
        events = Data.route_events(o[:seed], count: o[:events])
        events.each { |e| digest << JSON.generate([e[:time].to_f, e[:record]]) << "\n" }
        if o[:kind] == 'http'
          Send.http_session { |c| events.each_with_index { |e, i| Send.pace(o[:rate], i, started); Send.http(c, o[:tag], e[:record], time: e[:time]) } }
        else
          events.each_slice(o[:rate].positive? ? [o[:rate].to_i, 1].max : 500).with_index do |slice, i|
            Send.pace(o[:rate].positive? ? 1 : 0, i, started)
            Send.forward_or_fail(o[:tag], slice.map { |e| [e[:time], e[:record]] })
          end
        end
        summary['tag'] = o[:tag]
      end
      summary['sha256'] = digest.hexdigest
      summary['seconds'] = (Process.clock_gettime(Process::CLOCK_MONOTONIC) - started).round(2)
      puts(json ? JSON.generate(summary) : summary.map { |k, v| "#{k}: #{v}" }.join("\n"))
      0
    end
  end
end
