import type { Lang } from '../config/keys.js';
import { loadConfig } from '../config/config.js';
import { languageFromArgv } from '../i18n/usage.js';
import type { Text } from '../i18n/lang.js';

/** The learner's language while commander parses (before any command has set it): --lang, DE_LAB_LANG, the setting. */
export function usageLang(argv: string[] = process.argv.slice(2)): Lang {
  return languageFromArgv(argv, () => {
    try {
      return loadConfig().values.lang;
    } catch {
      return 'en';
    }
  });
}

/** A text in the language of this run, for messages produced while parsing. */
export function usageTr(text: Text): string {
  return text[usageLang()];
}
