# Runs many `day2.rb …` command lines in one Ruby process, so that Fluentd's gems load once
# (about 1 s a process) instead of once a case. day2.rb runs Day2.main only when it is the
# program, so it loads here as a library; each command line is then what `ruby day2.rb ARGV`
# would do: Day2.main(argv), its return value the exit code.
#
#   ruby day2-batch.rb /opt/de-lab/gen/day2.rb < [["verify", "route-events", "app", …], …]
#
# For each command line it prints that line's stdout, then "DE-LAB-BATCH-END <exit code>".
require 'json'
require 'stringio'

load ARGV.fetch(0)
JSON.parse($stdin.read).each do |argv|
  out = StringIO.new
  saved = $stdout
  $stdout = out
  code = begin
    Day2.main(argv.dup)
  rescue StandardError => e
    warn "#{e.class}: #{e.message}"
    1
  ensure
    $stdout = saved
  end
  $stdout.print(out.string)
  $stdout.puts("DE-LAB-BATCH-END #{code}")
end
