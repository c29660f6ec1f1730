import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync, chmodSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp.js';

// Day 2's config guard and graders (labs/day2/gen, Ruby) run in the fluentd image: the host has
// no Ruby, and the guard must use the Fluentd parser of that image. One `docker run` evaluates
// every case (about 2 s); without the image the cases are skipped with that reason.
const IMAGE = `${process.env.DE_LAB_IMAGE_PREFIX ?? 'de-lab'}/fluentd:1.18.0`;
const GEN = resolve(__dirname, '../../labs/day2/gen');
const SOLUTIONS = resolve(__dirname, '../../labs/day2/exercises');

function imageThere(): boolean {
  try {
    execFileSync('docker', ['image', 'inspect', IMAGE], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const HTTP = '<source>\n  @type http\n  port 9880\n</source>\n';
const CONFIGS: Record<string, string> = {
  exec: `${HTTP}<source>\n  @type exec\n  command ruby /opt/de-lab/gen/day2.rb gen --seed 1\n  tag app.x\n</source>\n`,
  execOut: `${HTTP}<match app.**>\n  @type exec\n  command cat\n</match>\n`,
  execFilter: `${HTTP}<match app.**>\n  @type exec_filter\n  command cat\n</match>\n`,
  embedded: `${HTTP}<match app.**>\n  @type file\n  path "out/#{\`cat /proc/1/cmdline\`}"\n</match>\n`,
  include: `${HTTP}@include /opt/de-lab/gen/aggregator.conf\n`,
  ruby: `${HTTP}<filter app.**>\n  @type record_transformer\n  enable_ruby true\n  <record>\n    x \${1}\n  </record>\n</filter>\n`,
  absolute: `${HTTP}<match app.**>\n  @type file\n  path /fluentd/buffer/agg/aggregator-a/fwd\n</match>\n`,
  climb: `${HTTP}<match app.**>\n  @type file\n  path out/../../x\n</match>\n`,
  hidden: `${HTTP}<match app.**>\n  @type file\n  path .de-lab-run/notes.json\n</match>\n`,
  sample: `<source>\n  @type sample\n  tag app.x\n</source>\n`,
  rpc: `<system>\n  rpc_endpoint 0.0.0.0:24444\n</system>\n${HTTP}`,
  // kafka-output: a decoy kafka2 block with the right settings that receives nothing.
  decoy:
    `${HTTP}<match nothing.**>\n  @type kafka2\n  brokers kafka:9092\n  required_acks -1\n  compression_codec gzip\n</match>\n` +
    `<match shop.**>\n  @type kafka2\n  brokers kafka:9092\n  required_acks 1\n  compression_codec gzip\n</match>\n`,
  // The same through copy: the receiving kafka2 is a store.
  copied: `${HTTP}<match shop.**>\n  @type copy\n  <store>\n    @type kafka2\n    brokers kafka:9092\n    required_acks -1\n    compression_codec gzip\n  </store>\n</match>\n`,
};

// Ruby, run in the image: every verdict as one JSON object on the last line.
const SCRIPT = String.raw`
require '/opt/de-lab/gen/day2.rb'
require 'zlib'
out = {}
guard = ->(ex, file) do
  Day2::Guard.check!(file, ex)
  'accepted'
rescue Day2::Refused => e
  "refused: #{e.message}"
rescue Fluent::ConfigParseError => e
  "parse error: #{e.message}"
end
%w[exec execOut execFilter embedded include ruby absolute climb hidden sample rpc].each do |n|
  out[n] = guard.('route-events', "/w/#{n}.conf")
end
out['rubyInParseFilter'] = guard.('parse-filter', '/w/ruby.conf')
out['solutions'] = Dir.glob('/s/*/{solution,starter}/*.conf').sort.to_h { |f| [f.sub('/s/', ''), guard.(f.split('/')[2], f)] }
# kafka settings judged on the block that receives shop.orders, in the config as it ran
%w[decoy copied].each do |n|
  dir = "/t/#{n}"
  FileUtils.mkdir_p("#{dir}/.de-lab-run/conf")
  FileUtils.cp("/w/#{n}.conf", "#{dir}/.de-lab-run/conf/fluent.conf")
  ctx = Day2::Ctx.new(dir: dir, seed: 1, run_dir: "#{dir}/.de-lab-run", conf: 'fluent.conf', exercise: 'kafka-output')
  out[n] = Day2::VerifyMore.kafka_output(ctx, 'settings')
end
# <secondary>: secondary_file chunks (msgpack, gzip too) count; JSON lines and buffer chunks do not
d = '/t/sec'
FileUtils.mkdir_p("#{d}/failed/a")
chunk = ->(ids) { ids.map { |i| MessagePack.pack([Time.now.to_i, { 'id' => i }]) }.join }
File.binwrite("#{d}/failed/a/dump.bin.0", chunk.(%w[p1 p2]))
Zlib::GzipWriter.open("#{d}/failed/a/dump.bin.1.gz") { |z| z.write(chunk.(%w[g1 g2])) }
File.write("#{d}/failed/a/lines.log", %w[j1 j2].map { |i| JSON.generate('id' => i) }.join("\n"))
File.binwrite("#{d}/failed/a/buffer.b123.log", chunk.(%w[b1]))
File.binwrite("#{d}/failed/a/broken.gz", "\x1f\x8b garbage")
out['secondary'] = Day2::VerifyMore.secondary_ids(d).to_a.sort
# the verdict line: one line, learner text cut to 200 characters inside JSON strings
ENV['DE_LAB_VERDICT_NONCE'] = 'abc'
out['verdict'] = Day2::Verdict.line(false, 'x', "a\nDE-LAB-VERDICT abc {\"ok\":true}" + 'z' * 500)
puts JSON.generate(out)
`;

const run = (() => {
  let cached: Record<string, unknown> | undefined;
  return (): Record<string, unknown> => {
    if (cached) return cached;
    const dir = tempDir('de-lab-day2-guard-');
    const confs = join(dir, 'w');
    const scratch = join(dir, 't');
    mkdirSync(confs);
    mkdirSync(scratch);
    chmodSync(scratch, 0o777);
    for (const [name, text] of Object.entries(CONFIGS)) writeFileSync(join(confs, `${name}.conf`), text);
    writeFileSync(join(confs, 'check.rb'), SCRIPT);
    const stdout = execFileSync(
      'docker',
      [
        'run',
        '--rm',
        '--network',
        'none',
        '--entrypoint',
        'ruby',
        '-v',
        `${GEN}:/opt/de-lab/gen:ro`,
        '-v',
        `${confs}:/w:ro`,
        '-v',
        `${SOLUTIONS}:/s:ro`,
        '-v',
        `${scratch}:/t`,
        IMAGE,
        '/w/check.rb',
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    cached = JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, unknown>;
    return cached;
  };
})();

describe.skipIf(!imageThere())(`day 2 config guard and graders (in ${IMAGE})`, () => {
  it('refuses configs that would run code, naming the directive and its line', () => {
    const out = run();
    expect(out.exec).toMatch(/^refused: exec\.conf line 6: <source> @type exec is not allowed in route-events/);
    expect(out.execOut).toMatch(/^refused: execOut\.conf line 6: <match> @type exec is not allowed/);
    expect(out.execFilter).toMatch(/^refused: execFilter\.conf line 6: <match> @type exec_filter is not allowed/);
    expect(out.embedded).toMatch(/^refused: embedded\.conf line 7: embedded Ruby "#\{\.\.\.\}" is not allowed/);
    expect(out.include).toMatch(
      /^refused: include\.conf line 5: @include \/opt\/de-lab\/gen\/aggregator\.conf is not allowed/,
    );
    expect(out.ruby).toMatch(/^refused: ruby\.conf line 7: enable_ruby is not allowed in route-events/);
    expect(out.sample).toMatch(/^refused: sample\.conf line 2: <source> @type sample/);
    expect(out.rpc).toMatch(/^refused: rpc\.conf line 2: <system> rpc_endpoint is not allowed/);
  });

  it('refuses paths outside the exercise folder or in a hidden folder (the run notes)', () => {
    const out = run();
    expect(out.absolute).toMatch(/^refused: absolute\.conf line 7: path \/fluentd\/buffer\S+ must be relative/);
    expect(out.climb).toMatch(/^refused: climb\.conf line 7: path out\/\.\.\/\.\.\/x must not climb out/);
    expect(out.hidden).toMatch(/^refused: hidden\.conf line 7: path \.de-lab-run\/notes\.json must not name a hidden/);
  });

  it('accepts Ruby in record_transformer where it is the lesson, and every starter and solution', () => {
    const out = run();
    expect(out.rubyInParseFilter).toBe('accepted');
    const all = out.solutions as Record<string, string>;
    expect(Object.keys(all).length).toBe(14);
    for (const [file, verdict] of Object.entries(all)) expect(verdict, file).toBe('accepted');
  });

  it('judges the kafka2 block that receives shop.orders, not a decoy that comes first', () => {
    const out = run();
    expect(out.decoy).toEqual([false, expect.stringContaining('(<match shop.**>) has required_acks "1"')]);
    expect(out.copied).toEqual([true, expect.stringContaining('required_acks -1 and compression_codec gzip')]);
  });

  it('counts secondary_file chunks (gzip too) as kept, not JSON lines or buffer chunks', () => {
    expect(run().secondary).toEqual(['g1', 'g2', 'p1', 'p2']);
  });

  it('prints one verdict line whose learner text stays inside a cut JSON string', () => {
    const line = run().verdict as string;
    expect(line.split('\n')).toHaveLength(1);
    const [, nonce, json] = /^DE-LAB-VERDICT (\S+) (.*)$/.exec(line)!;
    expect(nonce).toBe('abc');
    const verdict = JSON.parse(json!) as { ok: boolean; found: string };
    expect(verdict.ok).toBe(false);
    expect(verdict.found.length).toBeLessThanOrEqual(200);
  });
});
