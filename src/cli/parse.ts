import { InvalidArgumentError, Option } from 'commander';
import { MAX_SEED } from '../core/seed.js';
import { usageTr } from './usage-lang.js';

/**
 * Option parsers for commander (`.argParser`): commander reports a bad value as a usage error
 * naming the option, in one sentence, before the command runs (exit code 2). Each returns the
 * value as typed, so a command never converts an option itself.
 */

/** A whole number from `min` to `max` (both 0 or more), e.g. --tail or --parallel. */
export function wholeNumber(min: number, max: number, example = Math.min(max, Math.max(min, 2))) {
  return (text: string): number => {
    const value = Number(text);
    if (!/^\s*\d+\s*$/.test(text) || value < min || value > max)
      throw new InvalidArgumentError(
        usageTr({
          en: `Give a whole number from ${min} to ${max}, e.g. ${example}.`,
          ko: `${min}부터 ${max}까지의 정수를 주세요. 예: ${example}.`,
        }),
      );
    return value;
  };
}

/** A number (a fraction too) from `min` to `max` (both 0 or more), e.g. --rate or --interval. */
export function numberBetween(min: number, max: number, example: number) {
  return (text: string): number => {
    const value = Number(text);
    if (!/^\s*\d+(\.\d+)?\s*$/.test(text) || value < min || value > max)
      throw new InvalidArgumentError(
        usageTr({
          en: `Give a number from ${min} to ${max}, e.g. ${example}.`,
          ko: `${min}부터 ${max}까지의 수를 주세요. 예: ${example}.`,
        }),
      );
    return value;
  };
}

export { MAX_SEED };

/** A data seed: a whole number from 0 to MAX_SEED, checked once for every command that takes --seed. */
export function seedNumber(text: string): number {
  const value = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || value > MAX_SEED)
    throw new InvalidArgumentError(
      usageTr({
        en: `Give a whole number from 0 to ${MAX_SEED}, e.g. 982451653.`,
        ko: `0부터 ${MAX_SEED}까지의 정수를 주세요. 예: 982451653.`,
      }),
    );
  return value;
}

/** `--seed <n>` with its description, parsed by seedNumber. */
export function seedOption(description: string): Option {
  return new Option('--seed <n>', description).argParser(seedNumber);
}

/** A share from 0 to 1, e.g. --late-share. */
export function share(text: string): number {
  const value = Number(text);
  if (!/^\s*\d+(\.\d+)?\s*$/.test(text) || value > 1)
    throw new InvalidArgumentError(
      usageTr({
        en: 'Give a share between 0 and 1, e.g. 0.1 (one in ten).',
        ko: '0과 1 사이의 비율을 주세요. 예: 0.1(열 개 중 하나).',
      }),
    );
  return value;
}

/** A share above 0 up to 1, or a percentage above 1 up to 100 (70 is read as 0.7), e.g. --threshold. */
export function shareOrPercent(text: string): number {
  const value = Number(text);
  const asShare = value > 1 ? value / 100 : value;
  if (!/^\s*\d+(\.\d+)?\s*$/.test(text) || asShare <= 0 || asShare > 1)
    throw new InvalidArgumentError(
      usageTr({
        en: 'Give a share above 0 up to 1, or a percentage up to 100, e.g. 0.6 or 60.',
        ko: '0보다 크고 1 이하인 비율이나 100 이하의 백분율을 주세요. 예: 0.6 또는 60.',
      }),
    );
  return asShare;
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

/** The most waves one `de-lab gen` produces (a wave is 30 minutes of event time: 1000 is about three weeks). */
export const MAX_WAVE = 1000;

/** Waves: "2", "1,2,3" or "1-3" (a range from low to high), as the list of wave numbers. */
export function waveList(text: string): number[] {
  const waves: number[] = [];
  const parts = text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const ok =
    parts.length > 0 &&
    parts.every((part) => {
      const range = /^(\d+)-(\d+)$/.exec(part);
      const [from, to] = range ? [Number(range[1]), Number(range[2])] : [Number(part), Number(part)];
      if (!(range || /^\d+$/.test(part)) || from < 1 || to < from || to > MAX_WAVE) return false;
      for (let wave = from; wave <= to; wave++) waves.push(wave);
      return true;
    });
  if (!ok)
    throw new InvalidArgumentError(
      usageTr({
        en: `Give wave numbers from 1 to ${MAX_WAVE}, low to high, e.g. 2, 1,2 or 1-3.`,
        ko: `1부터 ${MAX_WAVE}까지의 웨이브 번호를 작은 번호부터 주세요. 예: 2, 1,2 또는 1-3.`,
      }),
    );
  return waves;
}
