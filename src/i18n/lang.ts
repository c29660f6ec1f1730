import type { Lang } from '../config/keys.js';

/** A piece of learner-facing text in every language the course ships. */
export interface Text {
  en: string;
  ko: string;
}

let current: Lang = 'en';

export function setLang(lang: Lang): void {
  current = lang;
}

export function lang(): Lang {
  return current;
}

/** The text in the current language. */
export function tr(text: Text): string {
  return text[current];
}

/** A score with the one unit of the current language: "3/4 pt" or "3/4점". */
export function points(score: number | string, max?: number | string): string {
  const value = max === undefined ? `${score}` : `${score}/${max}`;
  return current === 'ko' ? `${value}점` : `${value} pt`;
}
