# The config guard: reads a learner's Fluentd config with Fluentd's own parser (V1Parser) without
# ever evaluating it, and refuses what could run code or reach outside the exercise folder:
# embedded Ruby "#{...}", @include, plugin types outside the exercise's allow-list (exec,
# exec_filter, sample …), enable_ruby (except where it is the lesson), and file paths that are
# absolute, climb out with .. or name a hidden folder (the grader's .de-lab-run notes live there).
# A refusal is one sentence naming the directive and its line.
#
# The graders use the same parse (Guard.parse) to judge settings, and Guard.handlers to find the
# block that receives a tag (Fluentd routes an event to the first <match> that matches, in order).
require 'json'
require 'strscan'
require 'fluent/config/error'
require 'fluent/config/v1_parser'
require 'fluent/match'
require 'logger'

# The parser warns through Fluentd's global logger (e.g. for `include` without @).
$log ||= Logger.new(nil)

module Day2
  class Refused < StandardError; end

  module Guard
    module_function

    # The part of Fluentd's parser that would run embedded Ruby, replaced by a refusal. Lexing
    # the code (what the original does first) is skipped too: nothing of it is looked at.
    class Parser < Fluent::Config::V1Parser
      def scan_embedded_code
        line = @ss.string[0...@ss.pos].count("\n") + 1
        raise Refused, "#{@fname} line #{line}: embedded Ruby \"\#{...}\" is not allowed (the grader does not run code from configs)"
      end

      def eval_embedded_code(_code)
        scan_embedded_code
      end

      def eval_include(_attrs, _elems, uri)
        line = @ss.string[0...@ss.pos].count("\n") + 1
        raise Refused, "#{@fname} line #{line}: @include #{uri.strip} is not allowed: keep the whole config in #{@fname}"
      end
    end

    ELEMENTS = %w[source match filter label worker system parse format buffer inject extract store secondary server
                  record regexp exclude and or].freeze
    SYSTEM_KEYS = %w[workers log_level root_dir suppress_repeated_stacktrace ignore_repeated_log_interval
                     ignore_same_log_interval].freeze
    PATH_KEYS = %w[path pos_file directory root_dir exclude_path buffer_path].freeze
    # Sections whose keys are the learner's field names or patterns, not settings.
    FREE_KEYS = %w[record regexp exclude].freeze

    PARSERS = %w[regexp json tsv csv ltsv apache2 apache apache_error nginx none syslog msgpack multiline].freeze
    FORMATTERS = %w[json out_file ltsv csv tsv single_value hash msgpack stdout].freeze
    BUFFERS = %w[memory file file_single].freeze
    COMMON = {
      'source' => %w[],
      'match' => %w[file stdout null copy relabel],
      'store' => %w[file stdout null copy relabel],
      'filter' => %w[grep record_transformer parser stdout],
      'parse' => PARSERS, 'format' => FORMATTERS, 'buffer' => BUFFERS,
      'secondary' => %w[secondary_file file stdout null]
    }.freeze
    EXTRA = {
      'route-events' => { 'source' => %w[http forward] },
      'tail-rotation' => { 'source' => %w[tail] },
      'parse-filter' => { 'source' => %w[http tail] },
      'buffer-workers' => { 'source' => %w[forward tail] },
      'docker-logging' => { 'source' => %w[forward] },
      'reliable-forwarding' => { 'source' => %w[http forward], 'match' => %w[forward], 'store' => %w[forward] },
      'kafka-output' => { 'source' => %w[http], 'match' => %w[kafka2], 'store' => %w[kafka2] },
      # Day 5 runs its Fluentd stage through this driver too (labs/day5/gen/tail.rb).
      'fluentd-to-kafka' => { 'source' => %w[tail], 'match' => %w[kafka2], 'store' => %w[kafka2] }
    }.freeze
    # Where Ruby in record_transformer is the lesson.
    RUBY_ALLOWED = %w[parse-filter].freeze

    def allowed(exercise, section)
      (COMMON[section] || []) + (EXTRA.fetch(exercise, {})[section] || [])
    end

    # The config as Fluentd reads it, never evaluated. Raises Refused (embedded Ruby, @include)
    # or Fluent::ConfigParseError (Fluentd's own message with the line).
    def parse(path)
      text = File.read(path)
      # Not Parser.parse: V1Parser.parse instantiates V1Parser itself, not this subclass.
      Parser.new(StringScanner.new(text), File.dirname(path), File.basename(path), nil).parse!
    end

    # Checks a learner's file; raises Refused with one sentence, or returns the parsed root.
    def check!(path, exercise)
      raise Refused, "#{File.basename(path)} does not exist" unless File.exist?(path)
      root = parse(path)
      text = File.read(path)
      walk(root, nil) { |el, parent| judge(el, parent, exercise, text, File.basename(path)) }
      root
    end

    def walk(el, parent, &block)
      el.elements.each do |child|
        block.call(child, el)
        walk(child, el, &block)
      end
    end

    # The line of the first `key value` (or <name …>) that fits, for the refusal sentence.
    def line_of(text, pattern)
      idx = text.lines.index { |l| l =~ pattern }
      idx ? idx + 1 : '?'
    end

    def judge(el, parent, exercise, text, fname)
      name = el.name
      say = ->(pattern, what) { raise Refused, "#{fname} line #{line_of(text, pattern)}: #{what}" }
      unless ELEMENTS.include?(name)
        say.(/<\s*#{Regexp.escape(name)}\b/, "<#{name}> is not allowed in this exercise (allowed: #{ELEMENTS.join(', ')})")
      end
      if name == 'system'
        bad = el.keys.find { |k| !SYSTEM_KEYS.include?(k) }
        say.(/^\s*#{Regexp.escape(bad)}\b/, "<system> #{bad} is not allowed (allowed: #{SYSTEM_KEYS.join(', ')})") if bad
        say.(/<\s*#{Regexp.escape(el.elements.first.name)}\b/, "<#{el.elements.first.name}> inside <system> is not allowed") unless el.elements.empty?
      end
      section = name == 'match' && parent&.name == 'label' ? 'match' : name
      section = 'secondary' if name == 'secondary'
      type = el['@type']
      if COMMON.key?(section) && type
        ok = allowed(exercise, section)
        unless ok.include?(type)
          say.(/^\s*@type\s+["']?#{Regexp.escape(type)}\b/, "<#{name}> @type #{type} is not allowed in #{exercise} (allowed here: #{ok.join(', ')})")
        end
      end
      el.keys.each do |key|
        value = el[key].to_s
        if key == 'enable_ruby' && value.strip != 'false' && !RUBY_ALLOWED.include?(exercise)
          say.(/^\s*enable_ruby\b/, "enable_ruby is not allowed in #{exercise} (the grader does not run Ruby from configs here)")
        end
        next if FREE_KEYS.include?(name) || !PATH_KEYS.include?(key)
        problem = path_problem(value)
        say.(/^\s*#{Regexp.escape(key)}\s/, "#{key} #{value} #{problem}") if problem
      end
    end

    # A path (or a comma-separated list, or a JSON array) must stay inside the exercise folder.
    def path_problem(value)
      parts = value.start_with?('[') ? (JSON.parse(value) rescue [value]) : value.split(',')
      parts.map(&:strip).each do |p|
        bare = p.gsub(/\$\{[\w\[\]"'.-]*\}/, 'x')
        return 'must be relative to the exercise folder' if p.start_with?('/', '~')
        return "must not use #{Regexp.last_match(0)} (only * and placeholders)" if bare =~ /[{}\[\]?\\]/
        segs = p.split('/')
        return 'must not climb out of the exercise folder (..)' if segs.include?('..')
        return 'must not name a hidden folder or file (starting with .)' if segs.any? { |s| s.start_with?('.') }
      end
      nil
    end

    # ---- routing, as Fluentd does it: the first <match> whose pattern matches the tag, in order.
    # Returns the output elements that receive an event of `tag` from a source routed to `label`
    # (nil = the top level), following @type copy stores and @type relabel into their label.
    def handlers(root, tag, label: nil, seen: [])
      scope = label ? root.elements.find { |e| e.name == 'label' && e.arg == label } : root
      return [] unless scope
      matches = scope.elements.select { |e| e.name == 'match' }
      hit = matches.find { |m| Fluent::MatchPattern.create(m.arg.to_s.strip.empty? ? '**' : m.arg).match(tag) rescue false }
      return [] unless hit
      expand(root, hit, tag, seen)
    end

    def expand(root, el, tag, seen)
      case el['@type']
      when 'copy'
        el.elements.select { |s| s.name == 'store' }.flat_map { |s| expand(root, s, tag, seen) }
      when 'relabel'
        l = el['@label']
        return [] if l.nil? || seen.include?(l)
        handlers(root, tag, label: l, seen: seen + [l])
      else
        [el]
      end
    end

    # The @label a source of this type sends to (nil = top level), for the sources of that type.
    def source_labels(root, type)
      all = root.elements.select { |e| e.name == 'source' && e['@type'] == type }
      all += root.elements.select { |e| e.name == 'worker' }.flat_map { |w| w.elements.select { |e| e.name == 'source' && e['@type'] == type } }
      all.map { |s| s['@label'] }.uniq
    end
  end
end
