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
