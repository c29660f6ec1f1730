// Issue 16 item 11: Korean output lines up and reads as Korean.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { renderStatus, statusHeaders } from '../../src/cli/commands/status.js';
import { points, setLang } from '../../src/i18n/lang.js';
import { languageFromArgv, localiseUsageError } from '../../src/i18n/usage.js';
import { portTakenMessage } from '../../src/stack/preflight.js';
import { configureColor, table } from '../../src/ui/style.js';
import { bin, isolatedEnv } from '../helpers/cli.js';

/** Display columns of a line: Hangul counts 2. */
const columns = (text: string) =>
  [...text].reduce((n, ch) => n + (/[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]/.test(ch) ? 2 : 1), 0);

beforeEach(() => configureColor(false));
afterEach(() => setLang('en'));

describe('Korean output', () => {
  it('table columns line up by display width when cells hold Hangul', () => {
    const out = table([
      ['실습일', '제목', '점수'],
      ['day1', '컨테이너: 이미지', '3/4'],
      ['day4', 'Kafka', '0/5'],
    ]).split('\n');
    const third = out.map((line) => columns(line.slice(0, line.lastIndexOf(line.trim().split(/\s+/).pop()!))));
    expect(new Set(third).size).toBe(1);
  });

  it('status headers are translated and still line up', () => {
    setLang('ko');
    expect(statusHeaders()).toContain('서비스');
    const lines = renderStatus([
      {
        day: 'day1',
        service: 'mariadb',
        state: 'running',
        health: 'healthy',
        ports: ['127.0.0.1:13306'],
        cpuPercent: 1,
        memoryBytes: 50 * 1048576,
        uptimeSeconds: 10,
      } as never,
    ]).split('\n');
    expect(lines[0]).toMatch(/^실습일\s+서비스\s+상태/);
    const col = (line: string, word: string) => columns(line.slice(0, line.indexOf(word)));
    expect(col(lines[0]!, '서비스')).toBe(col(lines[1]!, 'mariadb'));
  });

  it('scores use one unit per language', () => {
    setLang('ko');
    expect(points(3, 4)).toBe('3/4점');
    setLang('en');
    expect(points(3, 4)).toBe('3/4 pt');
  });

  it('the busy-port sentence is one well-formed Korean sentence', () => {
    setLang('ko');
    const text = portTakenMessage('day1', 13306, {
      holder: 'python3 (pid 42)',
      fix: '그 프로그램을 멈추거나 포트를 바꾸세요',
    });
    expect(text).toBe(
      'day1에 필요한 포트 13306을 python3 (pid 42)에서 쓰고 있습니다. 그 프로그램을 멈추거나 포트를 바꾸세요.',
    );
    expect(text).not.toContain(')(');
    expect(text).not.toContain('이(가)');
  });

  it('usage errors are translated, and the language is known before options are parsed', () => {
    expect(localiseUsageError("error: missing required argument 'day'\n", 'ko')).toBe(
      "오류: 필요한 인자 'day'가 없습니다.\n",
    );
    expect(localiseUsageError("error: unknown option '--x'", 'en')).toBe("error: unknown option '--x'");
    expect(languageFromArgv(['start', '--lang', 'ko'], () => 'en')).toBe('ko');
    expect(languageFromArgv(['start', '--lang=ko'], () => 'en')).toBe('ko');
    expect(languageFromArgv(['start'], () => 'ko')).toBe('ko');
  });

  it('the CLI prints a usage error in Korean with --lang ko', async () => {
    const result = await execa('node', [bin, '--lang', 'ko', 'start'], {
      reject: false,
      env: isolatedEnv(),
      extendEnv: false,
    });
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain("필요한 인자 'day'");
  });
});

describe('displayWidth', () => {
  it('agrees with string-width on narrow text (its fast path) and measures Hangul as 2 columns', async () => {
    const { displayWidth } = await import('../../src/ui/style.js');
    const stringWidth = (await import('string-width')).default;
    for (const text of [
      'plain',
      '\u001b[32m✔\u001b[39m passed',
      '  · not tried',
      '→ next — “quoted” …',
      '█████░░░',
      'café',
      '컨테이너',
      'mixed 한글 ✖',
    ]) {
      expect(displayWidth(text), text).toBe(stringWidth(text));
    }
    expect(displayWidth('한글')).toBe(4);
  });
});
