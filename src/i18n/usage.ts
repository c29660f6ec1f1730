import { josa } from './josa.js';
import type { Lang } from '../config/keys.js';

/**
 * Commander's usage errors ("error: missing required argument 'day'", …) in the learner's
 * language. Each row rewrites one message shape; anything unknown stays as commander wrote it.
 */
const rows: Array<[RegExp, (...groups: string[]) => string]> = [
  [/^error: missing required argument '([^']+)'$/, (name) => `오류: 필요한 인자 '${name}'가 없습니다.`],
  [
    /^error: unknown command '([^']+)'$/,
    (name) => `오류: '${name}'라는 명령은 없습니다. 명령 목록은 \`de-lab --help\`로 보세요.`,
  ],
  [/^\(Did you mean (.+)\?\)$/, (name) => `(${josa(name, '을/를')} 쓰려던 것인가요?)`],
  [/^error: unknown option '([^']+)'$/, (name) => `오류: '${name}'라는 옵션은 없습니다. 옵션은 --help로 보세요.`],
  [
    /^error: too many arguments for '([^']+)'\. Expected (\d+) arguments? but got (\d+)\.$/,
    (name, expected, got) => `오류: '${name}'에 인자가 너무 많습니다. ${expected}개를 받는데 ${got}개가 주어졌습니다.`,
  ],
  [
    /^error: too many arguments\. Expected (\d+) arguments? but got (\d+)\.$/,
    (expected, got) => `오류: 인자가 너무 많습니다. ${expected}개를 받는데 ${got}개가 주어졌습니다.`,
  ],
  [/^error: option '([^']+)' argument missing$/, (name) => `오류: 옵션 '${name}'에 값이 없습니다.`],
  [/^error: required option '([^']+)' not specified$/, (name) => `오류: 필수 옵션 '${name}'을 주지 않았습니다.`],
  [
    /^error: option '([^']+)' argument '([^']*)' is invalid\. Allowed choices are (.+)\.$/,
    (name, value, choices) => `오류: 옵션 '${name}'의 값 '${value}'는 쓸 수 없습니다. 가능한 값: ${choices}.`,
  ],
  [
    /^error: option '([^']+)' argument '([^']*)' is invalid\. (.+)$/,
    (name, value, why) => `오류: 옵션 '${name}'의 값 '${value}'가 잘못되었습니다. ${why}`,
  ],
  [
    /^error: command-argument value '([^']*)' is invalid for argument '([^']+)'\. (.+)$/,
    (value, name, why) => `오류: 인자 '${name}'의 값 '${value}'가 잘못되었습니다. ${why}`,
  ],
];

export function localiseUsageError(text: string, lang: Lang): string {
  if (lang === 'en') return text;
  return text
    .split('\n')
    .map((line) => {
      for (const [pattern, render] of rows) {
        const match = pattern.exec(line.trim());
        if (match) return render(...match.slice(1));
      }
      return line;
    })
    .join('\n');
}

/** The language of this run before options are parsed: --lang, else DE_LAB_LANG, else the setting. */
export function languageFromArgv(argv: string[], fallback: () => Lang): Lang {
  for (let i = 0; i < argv.length; i++) {
    const value =
      argv[i] === '--lang'
        ? argv[i + 1]
        : argv[i]!.startsWith('--lang=')
          ? argv[i]!.slice('--lang='.length)
          : undefined;
    if (value === 'en' || value === 'ko') return value;
  }
  return fallback();
}
