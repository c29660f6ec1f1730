import { josa } from '../../i18n/josa.js';
import { Option, type Command } from 'commander';
import { kafkaTopic, numberAtLeast, seedOption, share, waveList, wholeNumber } from '../parse.js';
import { DeLabError } from '../../core/errors.js';
import { tr } from '../../i18n/lang.js';
import type { Lab } from '../../course/labs.js';
import { style } from '../../ui/style.js';
import { action, usageError, type Context } from '../context.js';
import { example } from '../help.js';

interface GenOptions {
  seed?: string;
  count?: string;
  wave?: string;
  rate?: string;
  lateShare?: string;
  topic?: string;
}

export interface GenRun {
  wave?: number;
  exitCode: number;
  summary?: Record<string, unknown>;
}

type Generator = NonNullable<Lab['generator']>;

function positiveInt(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw usageError(
      tr({
        en: `--${name} must be a whole number of at least 1, not "${text}".`,
        ko: `--${josa(name, '은/는')} 1 이상의 정수여야 합니다("${text}" 아님).`,
      }),
      tr({ en: `For example: --${name} 2.`, ko: `예: --${name} 2.` }),
    );
  return value;
}

/** The waves to produce: "2", "1,2,3" or "1-3". */
export function parseWaves(text: string): number[] {
  const waves: number[] = [];
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const range = /^(\d+)-(\d+)$/.exec(part);
    if (range) {
      const [from, to] = [Number(range[1]), Number(range[2])];
      if (from < 1 || to < from)
        throw usageError(
          tr({
            en: `--wave ${text}: a range goes from a low wave to a higher one.`,
            ko: `--wave ${text}: 범위는 작은 번호에서 큰 번호로 적습니다.`,
          }),
          tr({ en: 'For example: --wave 1-3.', ko: '예: --wave 1-3.' }),
        );
      for (let wave = from; wave <= to; wave++) waves.push(wave);
    } else waves.push(positiveInt('wave', part));
  }
  if (waves.length === 0)
    throw usageError(
      tr({ en: '--wave needs at least one wave number.', ko: '--wave에는 웨이브 번호가 하나 이상 필요합니다.' }),
      tr({ en: 'For example: --wave 1 or --wave 1-3.', ko: '예: --wave 1 또는 --wave 1-3.' }),
    );
  return waves;
}

/** The generator's argv for one wave: de-lab gen options mapped through lab.yaml's `flags`. */
export function generatorArgs(
  generator: Generator,
  options: GenOptions,
  wave: number | undefined,
  json: boolean,
): string[] {
  const args = [...generator.command];
  const given: Array<[keyof Generator['flags'], string | undefined]> = [
    ['seed', options.seed],
    ['count', options.count ?? (generator.defaults.count !== undefined ? String(generator.defaults.count) : undefined)],
    ['wave', wave !== undefined ? String(wave) : undefined],
    ['rate', options.rate],
    ['lateShare', options.lateShare],
    ['topic', options.topic ?? generator.defaults.topic],
  ];
  for (const [name, value] of given) {
    if (value === undefined) continue;
    const flag = generator.flags[name];
    if (flag) args.push(flag, value);
  }
  if (json && generator.jsonFlag) args.push(generator.jsonFlag);
  return args;
}

function validate(generator: Generator, lab: Lab, options: GenOptions): void {
  const names: Array<[keyof GenOptions, keyof Generator['flags'], string]> = [
    ['seed', 'seed', '--seed'],
    ['count', 'count', '--count'],
    ['wave', 'wave', '--wave'],
    ['rate', 'rate', '--rate'],
    ['lateShare', 'lateShare', '--late-share'],
    ['topic', 'topic', '--topic'],
  ];
  for (const [option, flag, text] of names) {
    if (options[option] !== undefined && !generator.flags[flag]) {
      throw usageError(
        tr({
          en: `${lab.id}'s generator has no ${text} option.`,
          ko: `${lab.id}의 생성기에는 ${text} 옵션이 없습니다.`,
        }),
        tr({
          en: `See what it takes with \`de-lab gen ${lab.id} --help\`.`,
          ko: `\`de-lab gen ${lab.id} --help\`로 쓸 수 있는 옵션을 확인하세요.`,
        }),
      );
    }
  }
}

async function gen(ctx: Context, day: string, extra: string[], options: GenOptions): Promise<number> {
  const { findLab } = await import('../../course/labs.js');
  const { requireEngine } = await import('../../stack/engine.js');
  const { projectContainers } = await import('../../stack/project.js');
  const { execService } = await import('../../stack/sandbox/containers.js');
  const { fill } = await import('../../grading/template.js');
  const lab = findLab(day);
  const generator = lab.generator;
  if (!generator) {
    throw new DeLabError(
      tr({ en: `${lab.id} has no data generator.`, ko: `${lab.id}에는 데이터 생성기가 없습니다.` }),
      {
        hint: tr({
          en: 'See which days have one with `de-lab gen --help`; day 4 does.',
          ko: '`de-lab gen --help`로 생성기가 있는 날을 확인하세요. 4일 차에 있습니다.',
        }),
        code: 'E_NO_GENERATOR',
        exitCode: 2,
      },
    );
  }
  validate(generator, lab, options);
  const waves =
    options.wave !== undefined
      ? parseWaves(options.wave)
      : generator.flags.wave && generator.defaults.wave
        ? [generator.defaults.wave]
        : [undefined];
  const { docker } = await requireEngine();
  const project = `de-lab-${lab.id}`;
  const running = (await projectContainers(docker, project)).find(
    (s) => s.service === generator.service && s.state === 'running',
  );
  if (!running) {
    throw new DeLabError(
      tr({
        en: `${lab.id}'s stack is not running, so there is nowhere to run its generator.`,
        ko: `${lab.id} 스택이 실행 중이 아니어서 생성기를 실행할 곳이 없습니다.`,
      }),
      {
        hint: tr({
          en: `Start it with \`de-lab start ${lab.id}\`, then run this again.`,
          ko: `\`de-lab start ${lab.id}\`로 시작한 뒤 다시 실행하세요.`,
        }),
        code: 'E_STACK_DOWN',
      },
    );
  }
  const topic = options.topic ?? generator.defaults.topic ?? '';
  const count = Number(options.count ?? generator.defaults.count ?? 1000);
  const rate = Number(options.rate ?? 0);
  // Generous: a paced run takes count/rate seconds, plus the client's start and flush.
  const timeoutMs = (120 + (rate > 0 ? Math.ceil(count / rate) : 0)) * 1000;
  if (generator.prepare) {
    const prepared = await execService({
      docker,
      containerId: running.id,
      command: generator.prepare.map((part) => fill(part, { topic })),
      timeoutMs: 90_000,
    });
    if (prepared.exitCode !== 0) {
      throw new DeLabError(
        tr({
          en: `Preparing ${lab.id}'s generator failed: ${lastLine(prepared.stderr || prepared.stdout)}.`,
          ko: `${lab.id} 생성기 준비에 실패했습니다: ${lastLine(prepared.stderr || prepared.stdout)}.`,
        }),
        {
          hint: tr({
            en: `Check that the stack is healthy with \`de-lab status ${lab.id}\`, then run this again.`,
            ko: `\`de-lab status ${lab.id}\`로 스택이 정상인지 확인한 뒤 다시 실행하세요.`,
          }),
          code: 'E_GENERATOR',
        },
      );
    }
  }
  const runs: GenRun[] = [];
  for (const wave of waves) {
    const command = [...generatorArgs(generator, options, wave, ctx.json), ...extra];
    if (!ctx.json) ctx.err(style.dim(`$ ${command.join(' ')}`));
    const result = await execService({ docker, containerId: running.id, command, timeoutMs });
    let summary: Record<string, unknown> | undefined;
    const lines = result.stdout.split('\n').filter((line) => line.trim());
    if (ctx.json && generator.jsonFlag) {
      try {
        summary = JSON.parse(lines[lines.length - 1] ?? '') as Record<string, unknown>;
      } catch {
        summary = undefined;
      }
    } else if (result.stdout.trim()) ctx.out(result.stdout.trimEnd());
    if (!ctx.json && result.stderr.trim()) ctx.err(result.stderr.trimEnd());
    runs.push({ wave, exitCode: result.exitCode, summary });
    if (result.exitCode !== 0) {
      const why = result.timedOut
        ? tr({
            en: `it did not finish within ${timeoutMs / 1000} s`,
            ko: `${timeoutMs / 1000}초 안에 끝나지 않았습니다`,
          })
        : lastLine(result.stderr || result.stdout);
      throw new DeLabError(
        tr({
          en: `${lab.id}'s generator failed${wave !== undefined ? ` on wave ${wave}` : ''}: ${why}.`,
          ko: `${lab.id} 생성기가 실패했습니다${wave !== undefined ? `(웨이브 ${wave})` : ''}: ${why}.`,
        }),
        {
          hint: tr({
            en: `Check the options (\`de-lab gen ${lab.id} --help\`) and that the stack is healthy (\`de-lab status ${lab.id}\`), then run it again.`,
            ko: `옵션(\`de-lab gen ${lab.id} --help\`)과 스택 상태(\`de-lab status ${lab.id}\`)를 확인한 뒤 다시 실행하세요.`,
          }),
          code: 'E_GENERATOR',
        },
      );
    }
  }
  const total = runs.reduce((sum, run) => sum + Number(run.summary?.events ?? 0), 0);
  if (ctx.json)
    ctx.emit(
      {
        day: lab.id,
        topic: topic || undefined,
        seed: options.seed !== undefined ? Number(options.seed) : undefined,
        waves: runs.map((r) => r.wave),
        records: total,
        runs,
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

function lastLine(text: string): string {
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  return (lines[lines.length - 1] ?? 'no output').replace(/[.\s]+$/, '');
}

export function register(program: Command): void {
  program
    .command('gen <day> [args...]')
    .description("Produce the day's seeded events into its running stack (day 4: ad impressions and clicks into Kafka)")
    .addOption(seedOption('data seed: the same seed gives the same events'))
    .addOption(new Option('--count <n>', 'events per wave').argParser(wholeNumber(1)))
    .addOption(
      new Option('--wave <list>', 'which waves of event time to produce: 1, 1,2 or 1-3 (one run each)').argParser(
        waveList,
      ),
    )
    .addOption(
      new Option('--rate <n>', 'events per second (0 or unset: as fast as possible)').argParser(numberAtLeast(0, '50')),
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
    .action(action((ctx, day: string, args: string[], options: GenOptions) => gen(ctx, day, args, options)));
}
