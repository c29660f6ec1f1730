import type { Lab } from '../course/labs.js';
import { josa } from '../i18n/josa.js';
import { tr } from '../i18n/lang.js';
import type { Generator, GeneratorOptions } from '../stack/generator.js';
import { usageError } from './context.js';

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

/** Refuses an option that this day's generator does not take. */
export function validateGenOptions(generator: Generator, lab: Lab, options: GeneratorOptions): void {
  const names: Array<[keyof GeneratorOptions, keyof Generator['flags'], string]> = [
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
