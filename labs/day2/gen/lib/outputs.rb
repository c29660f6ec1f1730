# Reads what Fluentd wrote: out_file files (JSON lines, or out_file's default
# "time<TAB>tag<TAB>json"), out_stdout lines in Fluentd's log, and in_tail's pos file.
require 'json'
require 'time'
require 'zlib'

module Day2
  Row = Struct.new(:file, :lineno, :text, :record, :time, :tag, keyword_init: true) do
    def where
      "#{file}:#{lineno}"
    end
  end

  module Outputs
    module_function

    # Every line of every file under dir (recursively), skipping buffer chunks.
    def rows(dir)
      Dir.glob(File.join(dir, '**', '*')).sort.each_with_object([]) do |file, acc|
        next unless File.file?(file)
        next if File.basename(file).start_with?('buffer.') || file.end_with?('.meta')
        text = begin
          file.end_with?('.gz') ? Zlib::GzipReader.open(file, &:read) : File.read(file)
        rescue Zlib::Error, ArgumentError, EOFError => e
          "{\"unreadable\": #{JSON.generate("#{e.class}: #{e.message}")}}"
        end
        rel = file.sub(%r{\A#{Regexp.escape(dir)}/?}, '')
        text.each_line.with_index(1) { |line, n| acc << parse_line(rel, n, line.chomp) unless line.strip.empty? }
      end
    end

    def parse_line(file, lineno, text)
      if text.start_with?('{')
        record = JSON.parse(text) rescue nil
        return Row.new(file: file, lineno: lineno, text: text, record: record, time: record && time_of(record['time']), tag: record && record['tag'])
      end
      time, tag, json = text.split("\t", 3)
      record = json && (JSON.parse(json) rescue nil)
      Row.new(file: file, lineno: lineno, text: text, record: record, time: time_of(time), tag: tag)
    end

    # An instant from an ISO 8601 string or epoch seconds; nil when it is neither.
    def time_of(value)
      case value
      when Integer, Float then Time.at(value).utc
      when String
        return Time.at(value.to_f).utc if value =~ /\A\d{9,}(\.\d+)?\z/
        Time.iso8601(value).utc
      end
    rescue ArgumentError
      nil
    end

    # out_stdout lines in Fluentd's log: "2026-03-01 10:00:00.000000000 +0000 tag: {json}"
    STDOUT_LINE = /\A(\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:\.\d+)? ?[+-]\d\d:?\d\d) ([^ :]+): (\{.*\})\z/.freeze
    def stdout_rows(log)
      return [] unless File.exist?(log)
      File.readlines(log, chomp: true).each_with_index.filter_map do |line, i|
        m = STDOUT_LINE.match(line) or next
        Row.new(file: 'fluentd stdout', lineno: i + 1, text: line, record: (JSON.parse(m[3]) rescue nil), tag: m[2], time: (Time.parse(m[1]).utc rescue nil))
      end
    end

    # in_tail's pos file: {path => [pos, inode]}; unwatched entries (pos ffff…) dropped.
    def positions(pos_file)
      return nil unless File.exist?(pos_file)
      File.readlines(pos_file, chomp: true).each_with_object({}) do |line, acc|
        path, pos, inode = line.split("\t")
        next if pos.nil? || pos == 'ffffffffffffffff'
        acc[path] = [pos.to_i(16), inode.to_i(16)]
      end
    end

    def short(obj, max = 160)
      s = obj.is_a?(String) ? obj : JSON.generate(obj)
      s.length > max ? "#{s[0, max]}…" : s
    end
  end
end
