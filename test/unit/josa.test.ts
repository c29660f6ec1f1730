import { describe, expect, it } from 'vitest';
import { finalSound, josa } from '../../src/i18n/josa.js';

describe('Korean particles after numbers, Latin words and Hangul', () => {
  it('reads a number as Korean says it', () => {
    expect(josa('4041', '은/는')).toBe('4041은'); // 사천사십일
    expect(josa(4040, '을/를')).toBe('4040을'); // 사천사십 (영 is not said; 십 ends in ㅂ)
    expect(josa('8082', '이/가')).toBe('8082가'); // 이
    expect(josa('9092', '을/를')).toBe('9092를');
    expect(josa('18080', '으로/로')).toBe('18080으로');
    expect(josa('day4', '은/는')).toBe('day4는');
    expect(josa('day1', '을/를')).toBe('day1을');
  });

  it('reads a Latin word by its last sound', () => {
    expect(josa('lang', '을/를')).toBe('lang을');
    expect(josa('json', '이/가')).toBe('json이');
    expect(josa('compose.yaml', '으로/로')).toBe('compose.yaml로');
    expect(josa('compose.yaml', '을/를')).toBe('compose.yaml을');
    expect(josa('kafka', '은/는')).toBe('kafka는');
    expect(josa('imagePrefix', '을/를')).toBe('imagePrefix를');
  });

  it('uses the Hangul final consonant, ㄹ before 로', () => {
    expect(josa('포트', '을/를')).toBe('포트를');
    expect(josa('작업 폴더', '이/가')).toBe('작업 폴더가');
    expect(josa('파일', '으로/로')).toBe('파일로');
    expect(josa('엔진', '과/와')).toBe('엔진과');
    expect(finalSound('`lang`.')).toBe('other');
    expect(finalSound('\u001b[1mday3\u001b[22m')).toBe('other');
  });
});
