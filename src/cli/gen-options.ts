import type { Lab } from '../course/labs.js';
import { tr } from '../i18n/lang.js';
import type { Generator, GeneratorOptions } from '../stack/generator.js';
import { usageError } from './context.js';

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
