import { Option, type Command } from 'commander';
import { kafkaTopic, numberBetween, seedOption, share, waveList, wholeNumber } from '../parse.js';
import { tr } from '../../i18n/lang.js';
import type { GeneratorOptions } from '../../stack/generator.js';
import { style } from '../../ui/style.js';
import { action, type Context } from '../context.js';
import { example } from '../help.js';

/** The engine side of a generator run, loaded when it runs (the one lazy seam: `--help` stays fast). */
async function engineModules() {
  const [labs, engine, generator, template, seed, options, earlier] = await Promise.all([
    import('../../course/labs.js'),
    import('../../stack/engine.js'),
    import('../../stack/generator.js'),
    import('../../grading/template.js'),
    import('../../course/seed.js'),
    import('../gen-options.js'),
    import('../../stack/earlier-data.js'),
  ]);
  return {
    findLab: labs.findLab,
    requireEngine: engine.requireEngine,
    requireGenerator: generator.requireGenerator,
    generatorContainer: generator.generatorContainer,
    prepareGenerator: generator.prepareGenerator,
    runGenerator: generator.runGenerator,
    fill: template.fill,
    courseSeed: seed.courseSeed,
    validateGenOptions: options.validateGenOptions,
    findEarlierData: earlier.findEarlierData,
    earlierDataNotice: earlier.earlierDataNotice,
  };
}

async function gen(ctx: Context, day: string, extra: string[], given: GeneratorOptions): Promise<number> {
  const engine = await engineModules();
  // Every generator takes its seed on the command line: the course's unless --seed gives one.
  const options = { ...given, seed: given.seed ?? engine.courseSeed() };
  const lab = engine.findLab(day);
  const generator = engine.requireGenerator(lab);
  engine.validateGenOptions(generator, lab, options);
  const waves =
    options.wave !== undefined
      ? options.wave
      : generator.flags.wave && generator.defaults.wave
        ? [generator.defaults.wave]
        : [undefined];
  const { docker } = await engine.requireEngine();
  const containerId = await engine.generatorContainer(docker, lab, generator);
  // Before producing: what the stack already holds, which this run adds to (and how to empty it).
  const earlier = await engine.findEarlierData(docker, lab, `de-lab-${lab.id}`);
  const notice = engine.earlierDataNotice(lab.id, earlier, true);
  if (notice && !ctx.json) ctx.err(style.warn(notice));
  const topic = options.topic ?? generator.defaults.topic ?? '';
  if (generator.prepare) {
    const command = generator.prepare.map((part) => engine.fill(part, { topic }));
    await engine.prepareGenerator(docker, containerId, lab, command);
  }
  const runs = await engine.runGenerator({
    docker,
    containerId,
    lab,
    generator,
    options,
    waves,
    extra,
    json: ctx.json,
    report: {
      command: (command) => {
        if (!ctx.json) ctx.err(style.dim(`$ ${command.join(' ')}`));
      },
      stdout: (text) => ctx.out(text),
      stderr: (text) => {
        if (!ctx.json) ctx.err(text);
      },
    },
  });
  const total = runs.reduce((sum, run) => sum + Number(run.summary?.events ?? 0), 0);
  if (ctx.json)
    ctx.emit(
      {
        day: lab.id,
        topic: topic || undefined,
        seed: options.seed,
        waves: runs.map((r) => r.wave),
        records: total,
        runs,
        earlierData: earlier.map((d) => ({ what: d.what.en, count: d.names.length, names: d.names })),
      },
      () => '',
    );
  else
    ctx.out(
      tr({
        en: `Done: ${waves.length} run${waves.length === 1 ? '' : 's'} of ${lab.id}'s generator${topic ? ` into topic ${topic}` : ''}.`,
        ko: `완료: ${lab.id} 생성기를 ${waves.length}번 실행했습니다${topic ? `(토픽 ${topic})` : ''}.`,
      }),
    );
  return 0;
}

export function register(program: Command): void {
  program
    .command('gen <day> [args...]')
    .description("Produce the day's seeded events into its running stack (day 4: ad impressions and clicks into Kafka)")
    .addOption(seedOption('data seed: the same seed gives the same events (default: the course seed)'))
    .addOption(
      new Option('--count <n>', 'events per wave, up to 50,000,000').argParser(wholeNumber(1, 50_000_000, 500)),
    )
    .addOption(
      new Option('--wave <list>', 'which waves of event time to produce: 1, 1,2 or 1-3 (one run each)').argParser(
        waveList,
      ),
    )
    .addOption(
      new Option('--rate <n>', 'events per second, up to 100,000 (0 or unset: as fast as possible)').argParser(
        numberBetween(0, 100_000, 50),
      ),
    )
    .addOption(
      new Option(
        '--late-share <x>',
        'share of events (wave 2 on) that arrive later than the watermark allows, 0 to 1',
      ).argParser(share),
    )
    .addOption(new Option('--topic <name>', 'Kafka topic to produce to (created when missing)').argParser(kafkaTopic))
    .addHelpText(
      'after',
      example([
        'de-lab gen day4',
        'de-lab gen day4 --topic events --wave 1-2 --count 500 --late-share 0.1',
        'de-lab gen day4 --seed 7 --rate 50 --json',
        'de-lab gen day4 -- --bad-share 0.05   (flags after -- go to the generator itself)',
      ]),
    )
    .action(action((ctx, day: string, args: string[], options: GeneratorOptions) => gen(ctx, day, args, options)));
}
