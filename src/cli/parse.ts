import { InvalidArgumentError, Option } from 'commander';
import { usageTr } from './usage-lang.js';

/**
 * Option parsers for commander (`.argParser`): commander reports a bad value as a usage error
 * naming the option, before the command runs. Each returns the value as typed once it is valid.
 */
export function wholeNumber(min: number): (text: string) => string {
  return (text) => {
    const value = Number(text);
    if (text.trim() === '' || !Number.isInteger(value) || value < min) {
      throw new InvalidArgumentError(
        usageTr({
          en: `Give a whole number of at least ${min}, e.g. ${Math.max(min, 2)}.`,
          ko: `${min} 이상의 정수를 주세요. 예: ${Math.max(min, 2)}.`,
        }),
      );
    }
    return text;
  };
}

/** The largest seed: every generator of the course (Python, Ruby, awk, the JVM's int) takes it as it is. */
export const MAX_SEED = 2_147_483_647;

/**
 * A data seed: a whole number from 0 to MAX_SEED, checked once for every command that takes
 * --seed. Returned as its digits (as the other parsers do), since it goes into argv as text.
 */
export function seedNumber(text: string): string {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value > MAX_SEED)
    throw new InvalidArgumentError(
      usageTr({
        en: `Give a whole number from 0 to ${MAX_SEED}, e.g. 982451653.`,
        ko: `0부터 ${MAX_SEED}까지의 정수를 주세요. 예: 982451653.`,
      }),
    );
  return String(value);
}

/** `--seed <n>` with its description, parsed by seedNumber. */
export function seedOption(description: string): Option {
  return new Option('--seed <n>', description).argParser(seedNumber);
}

export function anyWholeNumber(text: string): string {
  if (!/^-?\d+$/.test(text.trim()))
    throw new InvalidArgumentError(usageTr({ en: 'Give a whole number, e.g. 7.', ko: '정수를 주세요. 예: 7.' }));
  return text;
}

export function numberAtLeast(min: number, example: string): (text: string) => string {
  return (text) => {
    if (text.trim() === '' || !(Number(text) >= min))
      throw new InvalidArgumentError(
        usageTr({
          en: `Give a number of at least ${min}, e.g. ${example}.`,
          ko: `${min} 이상의 수를 주세요. 예: ${example}.`,
        }),
      );
    return text;
  };
}

export function share(text: string): string {
  const value = Number(text);
  if (text.trim() === '' || !(value >= 0 && value <= 1))
    throw new InvalidArgumentError(
      usageTr({
        en: 'Give a share between 0 and 1, e.g. 0.1 (one in ten).',
        ko: '0과 1 사이의 비율을 주세요. 예: 0.1(열 개 중 하나).',
      }),
    );
  return text;
}

export function kafkaTopic(text: string): string {
  if (!/^[a-zA-Z0-9._-]{1,249}$/.test(text))
    throw new InvalidArgumentError(
      usageTr({
        en: 'A Kafka topic name uses letters, digits, ".", "_" and "-" only.',
        ko: 'Kafka 토픽 이름에는 영문자, 숫자, ".", "_", "-"만 씁니다.',
      }),
    );
  return text;
}

/** Waves: "2", "1,2,3" or "1-3" (a range from low to high). */
export function waveList(text: string): string {
  const parts = text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const ok =
    parts.length > 0 &&
    parts.every((part) => {
      const range = /^(\d+)-(\d+)$/.exec(part);
      if (range) return Number(range[1]) >= 1 && Number(range[2]) >= Number(range[1]);
      return /^\d+$/.test(part) && Number(part) >= 1;
    });
  if (!ok)
    throw new InvalidArgumentError(
      usageTr({
        en: 'Give wave numbers from 1: 1, 1,2 or 1-3 (low to high).',
        ko: '1부터의 웨이브 번호를 주세요: 1, 1,2 또는 1-3(작은 번호부터).',
      }),
    );
  return text;
}
