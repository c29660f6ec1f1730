import { describe, expect, it } from 'vitest';
import { commandKind, httpKind } from '../../src/grading/kinds/command.js';
import { checkSchema, type Check } from '../../src/grading/schema.js';

type CommandCheck = Extract<Check, { kind: 'command' }>;
type HttpCheck = Extract<Check, { kind: 'http' }>;

const title = { en: 'check', ko: '검사' };
const command = (expect: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  checkSchema.parse({
    id: 'c',
    title,
    kind: 'command',
    service: 'tools',
    command: 'echo hi',
    expect,
    ...extra,
  }) as CommandCheck;
const http = (expect: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  checkSchema.parse({
    id: 'h',
    title,
    kind: 'http',
    url: 'http://127.0.0.1:8080/health',
    expect,
    ...extra,
  }) as HttpCheck;
const ran = (stdout: string, exitCode = 0, stderr = '', timedOut = false) => ({ exitCode, stdout, stderr, timedOut });
const answered = (status: number, body: string) => ({ status, body });

describe('command kind: judge', () => {
  it('passes when exit code and stdout match', () => {
    const v = commandKind.judge(
      command({ exitCode: 0, stdout: { contains: 'rows=10' } }),
      ran('loaded\nrows=10\n'),
      undefined,
    );
    expect(v).toEqual({ ok: true, expected: 'exit code 0; contains rows=10', found: 'exit code 0; loaded\nrows=10' });
  });

  it('a wrong exit code fails and shows the end of stderr (or stdout when stderr is empty)', () => {
    const v = commandKind.judge(
      command({ exitCode: 0 }),
      ran('', 1, 'Traceback ...\nZeroDivisionError: division by zero\n'),
      undefined,
    );
    expect(v.ok).toBe(false);
    expect(v.expected).toBe('exit code 0');
    expect(v.found).toBe('exit code 1: ZeroDivisionError: division by zero');
    const out = commandKind.judge(command({ exitCode: 0 }), ran('only stdout said why\n', 2), undefined);
    expect(out.found).toBe('exit code 2: only stdout said why');
  });

  // Issue 15 ("exited with code 1": give the last line of the job's own error): the first 200 characters
  // of stderr are shown, so behind JVM/Spark log noise the cause is cut off.
  // Input: stderr = 'INFO SparkContext: noise\n' x 50 + 'ValueError: bad window', exit code 1.
  it('a failing exit code shows the LAST line of a long stderr (the cause)', () => {
    const stderr = `${'INFO SparkContext: noise\n'.repeat(50)}ValueError: bad window\n`;
    const v = commandKind.judge(command({ exitCode: 0 }), ran('', 1, stderr), undefined);
    expect(v.ok).toBe(false);
    expect(v.found).toContain('ValueError: bad window');
  });

  it('a non-zero expected exit code is checked too', () => {
    expect(commandKind.judge(command({ exitCode: 3 }), ran('', 3), undefined).ok).toBe(true);
    expect(commandKind.judge(command({ exitCode: 3 }), ran('', 0), undefined).ok).toBe(false);
  });

  it('a timeout fails whatever the output', () => {
    const v = commandKind.judge(
      command({ stdout: { contains: 'x' } }, { timeoutSec: 7 }),
      ran('x', 0, '', true),
      undefined,
    );
    expect(v).toEqual({ ok: false, expected: 'finishes within 7 s', found: 'timed out' });
  });

  it('stdout and stderr rules each apply; the first failure is reported', () => {
    const check = command({ exitCode: 0, stdout: { matches: '^count: \\d+$' }, stderr: { notContains: 'WARN' } });
    expect(commandKind.judge(check, ran('count: 12\n', 0, ''), undefined).ok).toBe(true);
    expect(commandKind.judge(check, ran('count: twelve\n', 0, ''), undefined)).toMatchObject({
      ok: false,
      expected: 'text matching /^count: \\d+$/',
      found: 'count: twelve',
    });
    expect(commandKind.judge(check, ran('count: 12\n', 0, 'WARN low memory'), undefined)).toMatchObject({
      ok: false,
      expected: 'text without WARN',
      found: 'WARN low memory',
    });
  });

  it('Korean output', () => {
    const v = commandKind.judge(command({ stdout: { equals: '합계: 3건' } }), ran('합계: 3건\n'), undefined);
    expect(v.ok).toBe(true);
    expect(
      commandKind.judge(command({ stdout: { equals: '합계: 3건' } }), ran('합계: 4건\n'), undefined),
    ).toMatchObject({ ok: false, expected: 'exactly 합계: 3건', found: '합계: 4건' });
  });

  it('stdoutEqualsReference compares with the reference run (trimmed)', () => {
    const check = command({ stdoutEqualsReference: true });
    expect(commandKind.needsReference(check)).toBe(true);
    expect(commandKind.needsReference(command({ exitCode: 0 }))).toBe(false);
    expect(commandKind.judge(check, ran('42\n'), ran('42')).ok).toBe(true);
    expect(commandKind.judge(check, ran('41\n'), ran('42'))).toMatchObject({
      ok: false,
      expected: 'exactly 42',
      found: '41',
    });
  });

  // Fixed (issue 15), was: BUG: with stdoutEqualsReference and no reference observation, the expected stdout is '' and a command
  // that prints nothing passes (the cheapest wrong submission). file and sql kinds fail in that case
  // ("the reference solution's output"). Input: judge(command({stdoutEqualsReference: true}), {stdout: ''}, undefined).
  it('stdoutEqualsReference without a reference observation fails (does not accept empty output)', () => {
    const v = commandKind.judge(command({ stdoutEqualsReference: true }), ran(''), undefined);
    expect(v.ok).toBe(false);
  });

  // Fixed (issue 15), was: BUG (schema): a command check with `expect: {}` passes any run that finishes: it can never fail.
  // Input: { kind: command, command: 'true', expect: {} } parses, and judge returns ok for exit code 1.
  it('a command check must expect something', () => {
    const parsed = checkSchema.safeParse({ id: 'c', title, kind: 'command', command: 'true', expect: {} });
    const passesAnything =
      parsed.success && commandKind.judge(parsed.data as CommandCheck, ran('', 1, 'boom'), undefined).ok;
    expect(passesAnything).toBe(false);
  });
});

describe('http kind: judge', () => {
  it('status, body and JSON paths all hold', () => {
    const check = http({
      status: 200,
      body: { contains: 'ok' },
      json: [
        { path: 'status', equals: 'ok' },
        { path: 'data.items[0].city', matches: '^서' },
      ],
    });
    const v = httpKind.judge(check, answered(200, '{"status":"ok","data":{"items":[{"city":"서울"}]}}'), undefined);
    expect(v.ok).toBe(true);
    expect(v.expected).toBe('HTTP status 200; contains ok; status "ok"; data.items[0].city matching /^서/');
    expect(httpKind.needsReference(check)).toBe(false);
  });

  it('a wrong status fails with both statuses', () => {
    expect(httpKind.judge(http({ status: 200 }), answered(503, 'down'), undefined)).toEqual({
      ok: false,
      expected: 'HTTP status 200',
      found: 'HTTP status 503',
    });
  });

  it('no answer fails with the error', () => {
    const v = httpKind.judge(http({ status: 200 }), { status: 0, body: '', error: 'fetch failed' }, undefined);
    expect(v).toEqual({ ok: false, expected: 'an answer from http://127.0.0.1:8080/health', found: 'fetch failed' });
  });

  it('a body that is not JSON fails a json rule and shows the body', () => {
    const v = httpKind.judge(http({ json: [{ path: 'a', equals: 1 }] }), answered(200, '<html>oops</html>'), undefined);
    expect(v).toEqual({ ok: false, expected: 'a JSON body', found: '<html>oops</html>' });
  });

  it('json equals compares type and value; matches tests the text of the value', () => {
    const check = http({ json: [{ path: 'count', equals: 3 }] });
    expect(httpKind.judge(check, answered(200, '{"count":3}'), undefined).ok).toBe(true);
    expect(httpKind.judge(check, answered(200, '{"count":"3"}'), undefined)).toEqual({
      ok: false,
      expected: 'count 3',
      found: 'count "3"',
    });
    expect(httpKind.judge(check, answered(200, '{"count":4}'), undefined)).toMatchObject({
      ok: false,
      found: 'count 4',
    });
    expect(httpKind.judge(check, answered(200, '{}'), undefined)).toMatchObject({
      ok: false,
      found: 'count undefined',
    });
    const m = http({ json: [{ path: 'version', matches: '^\\d+\\.\\d+$' }] });
    expect(httpKind.judge(m, answered(200, '{"version":"1.2"}'), undefined).ok).toBe(true);
    expect(httpKind.judge(m, answered(200, '{"version":"v1"}'), undefined)).toEqual({
      ok: false,
      expected: 'version matching /^\\d+\\.\\d+$/',
      found: 'version v1',
    });
  });

  it('json equals of a nested value', () => {
    const check = http({ json: [{ path: 'tags', equals: ['a', 'b'] }] });
    expect(httpKind.judge(check, answered(200, '{"tags":["a","b"]}'), undefined).ok).toBe(true);
    expect(httpKind.judge(check, answered(200, '{"tags":["b","a"]}'), undefined).ok).toBe(false);
  });

  // Fixed (issue 15), was: BUG: `matches` tests String(value), so a MISSING field is the text "undefined" and passes any rule
  // that "undefined" satisfies. Input: rule {path: 'status', matches: '^[a-z]+$'}, body '{}' -> ok.
  it('a json `matches` rule fails when the field is missing', () => {
    const v = httpKind.judge(http({ json: [{ path: 'status', matches: '^[a-z]+$' }] }), answered(200, '{}'), undefined);
    expect(v.ok).toBe(false);
  });

  // Fixed (issue 15), was: BUG: json `equals` compares JSON.stringify texts, so an object with the same keys in another order
  // differs. Input: equals {status: 'ok', count: 2}, body '{"count":2,"status":"ok"}' -> fails.
  it('json `equals` on an object ignores key order', () => {
    const v = httpKind.judge(
      http({ json: [{ path: 'data', equals: { status: 'ok', count: 2 } }] }),
      answered(200, '{"data":{"count":2,"status":"ok"}}'),
      undefined,
    );
    expect(v.ok).toBe(true);
  });
});
