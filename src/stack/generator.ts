import type Dockerode from 'dockerode';
import { DeLabError, EXIT } from '../core/errors.js';
import type { Lab } from '../course/labs.js';
import { tr } from '../i18n/lang.js';
import { projectContainers } from './project.js';
import { execService } from './sandbox/containers.js';
import { lastLine as lastLineOf } from '../core/text.js';

export type Generator = NonNullable<Lab['generator']>;

/** What `de-lab gen` may pass to a day's generator, as commander parsed it. */
export interface GeneratorOptions {
  seed?: number;
  count?: number;
  wave?: number[];
  rate?: number;
  lateShare?: number;
  topic?: string;
}

/** The options of one generator run: always with a seed (a generator has none of its own). */
export type SeededOptions = GeneratorOptions & { seed: number };

export interface GenRun {
  wave?: number;
  exitCode: number;
  summary?: Record<string, unknown>;
}

/** Where a run's output goes: the command before it runs, then what it printed. */
export interface GeneratorReport {
  command(command: string[]): void;
  stdout(text: string): void;
  stderr(text: string): void;
}

/** The last non-empty line of a process's output, without its full stop. */
export function lastLine(text: string): string {
  return (lastLineOf(text) ?? 'no output').replace(/[.\s]+$/, '');
}

/** The day's generator, or an error that says which days have one. */
export function requireGenerator(lab: Lab): Generator {
  if (lab.generator) return lab.generator;
  throw new DeLabError(tr({ en: `${lab.id} has no data generator.`, ko: `${lab.id}에는 데이터 생성기가 없습니다.` }), {
    hint: tr({
      en: 'See which days have one with `de-lab gen --help`; day 4 does.',
      ko: '`de-lab gen --help`로 생성기가 있는 날을 확인하세요. 4일 차에 있습니다.',
    }),
    code: 'E_NO_GENERATOR',
    exitCode: EXIT.usage,
  });
}

/** The generator's argv for one wave: de-lab gen options mapped through lab.yaml's `flags`. */
export function generatorArgs(
  generator: Generator,
  options: SeededOptions,
  wave: number | undefined,
  json: boolean,
): string[] {
  const args = [...generator.command];
  const given: Array<[keyof Generator['flags'], number | string | undefined]> = [
    ['seed', options.seed],
    ['count', options.count ?? generator.defaults.count],
    ['wave', wave],
    ['rate', options.rate],
    ['lateShare', options.lateShare],
    ['topic', options.topic ?? generator.defaults.topic],
  ];
  for (const [name, value] of given) {
    if (value === undefined) continue;
    const flag = generator.flags[name];
    if (flag) args.push(flag, String(value));
  }
  if (json && generator.jsonFlag) args.push(generator.jsonFlag);
  return args;
}

/** The id of the running container the generator runs in, or an error that says to start the day. */
export async function generatorContainer(docker: Dockerode, lab: Lab, generator: Generator): Promise<string> {
  const running = (await projectContainers(docker, `de-lab-${lab.id}`)).find(
    (s) => s.service === generator.service && s.state === 'running',
  );
  if (running) return running.id;
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

/** Runs the generator's `prepare` command (already filled in), e.g. creating its topic. */
export async function prepareGenerator(docker: Dockerode, containerId: string, lab: Lab, command: string[]) {
  const prepared = await execService({ docker, containerId, command, timeoutMs: 90_000 });
  if (prepared.exitCode === 0) return;
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

/** Generous: a paced run takes count/rate seconds, plus the client's start and flush. */
export function generatorTimeoutMs(generator: Generator, options: GeneratorOptions): number {
  const count = options.count ?? generator.defaults.count ?? 1000;
  const rate = options.rate ?? 0;
  return (120 + (rate > 0 ? Math.ceil(count / rate) : 0)) * 1000;
}

function waveFailed(lab: Lab, wave: number | undefined, why: string): DeLabError {
  return new DeLabError(
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

/** Runs the generator once per wave in the container, stopping at the first run that fails. */
export async function runGenerator(input: {
  docker: Dockerode;
  containerId: string;
  lab: Lab;
  generator: Generator;
  options: SeededOptions;
  waves: Array<number | undefined>;
  extra: string[];
  json: boolean;
  report: GeneratorReport;
}): Promise<GenRun[]> {
  const { docker, containerId, lab, generator, json, report } = input;
  const timeoutMs = generatorTimeoutMs(generator, input.options);
  const runs: GenRun[] = [];
  for (const wave of input.waves) {
    const command = [...generatorArgs(generator, input.options, wave, json), ...input.extra];
    report.command(command);
    const result = await execService({ docker, containerId, command, timeoutMs });
    let summary: Record<string, unknown> | undefined;
    const lines = result.stdout.split('\n').filter((line) => line.trim());
    if (json && generator.jsonFlag) {
      try {
        summary = JSON.parse(lines[lines.length - 1] ?? '') as Record<string, unknown>;
      } catch {
        summary = undefined;
      }
    } else if (result.stdout.trim()) report.stdout(result.stdout.trimEnd());
    if (result.stderr.trim()) report.stderr(result.stderr.trimEnd());
    runs.push({ wave, exitCode: result.exitCode, summary });
    if (result.exitCode !== 0) {
      const why = result.timedOut
        ? tr({
            en: `it did not finish within ${timeoutMs / 1000} s`,
            ko: `${timeoutMs / 1000}초 안에 끝나지 않았습니다`,
          })
        : lastLine(result.stderr || result.stdout);
      throw waveFailed(lab, wave, why);
    }
  }
  return runs;
}
