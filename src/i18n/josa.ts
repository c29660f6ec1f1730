/**
 * Korean particles (조사) after any word a message puts in: a Hangul word, a number, or a Latin
 * word (a port, a day, a config key, a path). es-hangul's `josa` handles Hangul only and gives
 * `4041는`, `lang를`; here a number is read as Korean reads it (4041 → 사천사십일: 은) and a
 * Latin word by how it is said (lang → 랭: 을).
 */
export type JosaPair = '은/는' | '이/가' | '을/를' | '과/와' | '으로/로';

/** Digits whose Korean reading ends in a final consonant: 영(ㅇ) 일(ㄹ) 삼(ㅁ) 육(ㄱ) 칠(ㄹ) 팔(ㄹ). */
const DIGIT_FINAL: Record<string, 'none' | 'l' | 'other'> = {
  '0': 'other',
  '1': 'l',
  '2': 'none',
  '3': 'other',
  '4': 'none',
  '5': 'none',
  '6': 'other',
  '7': 'l',
  '8': 'l',
  '9': 'none',
};

/** The final sound of the word's last readable character: none, ㄹ, or another consonant. */
export function finalSound(word: string | number): 'none' | 'l' | 'other' {
  // eslint-disable-next-line no-control-regex
  const text = String(word)
    .replace(/\x1b\[[0-9;]*m/g, '')
    .replace(/[\s`'")\]}>.,:;!?*]+$/u, '');
  const last = text.at(-1) ?? '';
  const code = last.charCodeAt(0);
  if (code >= 0xac00 && code <= 0xd7a3) {
    const final = (code - 0xac00) % 28;
    return final === 0 ? 'none' : final === 8 ? 'l' : 'other';
  }
  if (/[0-9]/.test(last)) return DIGIT_FINAL[last]!;
  const lower = text.toLowerCase();
  if (/[a-z]/.test(last)) {
    if (lower.endsWith('le') || last === 'l') return 'l'; // file, compose.yaml, tool
    if (/(ng|[mn])$/.test(lower)) return 'other'; // lang, json, stream
    return 'none'; // day, kafka, spark, port, stage
  }
  return 'none';
}

/** `word` with the particle of `pair` that fits it: josa('4041', '은/는') → '4041은'. */
export function josa(word: string | number, pair: JosaPair): string {
  const [withFinal, without] = pair.split('/') as [string, string];
  const sound = finalSound(word);
  if (pair === '으로/로') return word + (sound === 'other' ? withFinal : without);
  return word + (sound === 'none' ? without : withFinal);
}
