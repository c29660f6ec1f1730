import { basename, extname } from 'node:path';

/**
 * Windows line endings (CRLF) in a learner's file. Graders see files only through the scratch copy
 * (session.ts scratchCopy), so this is decided once, there, for every grader alike (file checks,
 * check modules, day generators' graders, the compose guard, day 2's Fluentd guard).
 *
 * Where line endings do not matter to the program that reads the file (configs, Python, SQL, CSV,
 * YAML, Fluentd configs, Dockerfiles), CRLF is read as LF. Where they do (a shell script: `sh`
 * takes the `\r` as part of each command), the file is graded as it is and the result says why.
 */
export type LineEndings = 'lf' | 'converted' | 'kept';

/** Files a shell runs: line endings matter there. */
export function lineEndingsMatter(file: string, data: Buffer): boolean {
  const ext = extname(file).toLowerCase();
  if (ext === '.sh' || ext === '.bash') return true;
  return basename(file) !== 'Dockerfile' && data.subarray(0, 2).toString('latin1') === '#!';
}

/** A NUL byte in the first 8 KiB: not text, never changed. */
function isBinary(data: Buffer): boolean {
  return data.subarray(0, 8192).includes(0);
}

/** CRLF → LF where it does not matter; `kept` when the file has CRLF and it does. */
export function normaliseLineEndings(file: string, data: Buffer): { data: Buffer; endings: LineEndings } {
  if (isBinary(data) || !data.includes('\r\n')) return { data, endings: 'lf' };
  if (lineEndingsMatter(file, data)) return { data, endings: 'kept' };
  return { data: Buffer.from(data.toString('latin1').replaceAll('\r\n', '\n'), 'latin1'), endings: 'converted' };
}

/** The same text with CRLF line endings (for proving the graders: selftest --crlf). Binary data is left. */
export function toCrlf(data: Buffer): Buffer {
  if (isBinary(data)) return data;
  return Buffer.from(data.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
}

/** What the result says about a learner's line endings (English and Korean). */
export function lineEndingNotes(converted: string[], kept: string[]): Array<{ en: string; ko: string }> {
  const notes: Array<{ en: string; ko: string }> = [];
  if (converted.length)
    notes.push({
      en: `Windows (CRLF) line endings read as LF, where they do not matter: ${converted.join(', ')}`,
      ko: `줄 끝(CRLF)은 상관없는 파일이라 LF로 읽었습니다: ${converted.join(', ')}`,
    });
  if (kept.length)
    notes.push({
      en: `Windows (CRLF) line endings graded as they are, because sh reads the \\r as part of each command: save ${kept.join(', ')} with LF line endings`,
      ko: `sh는 \\r을 명령의 일부로 읽으므로 CRLF 줄 끝을 그대로 채점했습니다: ${kept.join(', ')} 파일을 LF 줄 끝으로 저장하세요`,
    });
  return notes;
}
