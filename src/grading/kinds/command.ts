import { lastErrorLine, matchText, short, jsonPath, type Verdict } from '../compare.js';
import { runGradingCommand } from '../run-command.js';
import { argv } from '../template.js';
import type { Check } from '../schema.js';
import { allOf, field, type CheckKind } from './types.js';
import { httpOnEngine } from './http-on-engine.js';
import { mirrorOf } from '../../stack/engines/mirror.js';

type CommandCheck = Extract<Check, { kind: 'command' }>;
type HttpCheck = Extract<Check, { kind: 'http' }>;

export const commandKind: CheckKind<CommandCheck> = {
  needsReference: (check) => check.expect.stdoutEqualsReference === true,
  async observe(ctx, check) {
    const command = argv(check.command);
    const result = await runGradingCommand(ctx, check, command, { writable: false });
    return result;
  },
  judge(check, observed: { exitCode: number; stdout: string; stderr: string; timedOut: boolean }, reference) {
    if (observed.timedOut) return { ok: false, expected: `finishes within ${check.timeoutSec} s`, found: 'timed out' };
    const verdicts: Verdict[] = [];
    if (check.expect.exitCode !== undefined) {
      const v = field('exit code', check.expect.exitCode, observed.exitCode);
      verdicts.push(
        v.ok ? v : { ...v, found: `${v.found}: ${lastErrorLine(observed.stderr.trim() || observed.stdout.trim())}` },
      );
    }
    if (check.expect.stdout) verdicts.push(matchText(observed.stdout, check.expect.stdout));
    if (check.expect.stderr) verdicts.push(matchText(observed.stderr, check.expect.stderr));
    if (check.expect.stdoutEqualsReference) {
      // No reference observation means nothing to equal: fail (an empty output must not pass).
      if (typeof reference?.stdout !== 'string')
        return { ok: false, expected: "the reference solution's output", found: 'no reference output' };
      verdicts.push(matchText(observed.stdout, { equals: reference.stdout }));
    }
    return allOf(verdicts);
  },
};

export const httpKind: CheckKind<HttpCheck> = {
  needsReference: () => false,
  async observe(ctx, check) {
    const headers = check.body !== undefined ? { 'content-type': 'application/json', ...check.headers } : check.headers;
    const body =
      check.body === undefined ? undefined : typeof check.body === 'string' ? check.body : JSON.stringify(check.body);
    // On an engine of another machine the stack's ports are that machine's: asked from there.
    if (mirrorOf(ctx.docker))
      return httpOnEngine(ctx.docker, `${ctx.prefix}/tools:1.0`, { ...check, headers, body }).catch((error) => ({
        status: 0,
        body: '',
        error: (error as Error).message,
      }));
    try {
      const response = await fetch(check.url, {
        method: check.method,
        headers,
        body,
        signal: AbortSignal.timeout(check.timeoutSec * 1000),
      });
      return { status: response.status, body: await response.text() };
    } catch (error) {
      return { status: 0, body: '', error: (error as Error).message };
    }
  },
  judge(check, observed: { status: number; body: string; error?: string }) {
    if (observed.error) return { ok: false, expected: `an answer from ${check.url}`, found: observed.error };
    const verdicts: Verdict[] = [];
    if (check.expect.status !== undefined) verdicts.push(field('HTTP status', check.expect.status, observed.status));
    if (check.expect.body) verdicts.push(matchText(observed.body, check.expect.body));
    if (check.expect.json) {
      let data: unknown;
      try {
        data = JSON.parse(observed.body);
      } catch {
        return { ok: false, expected: 'a JSON body', found: short(observed.body, 120) };
      }
      for (const rule of check.expect.json) {
        const value = jsonPath(data, rule.path);
        if (rule.equals !== undefined) verdicts.push(field(rule.path, rule.equals, value));
        // A missing field (or an object) is not text: it never matches, whatever the pattern.
        if (rule.matches !== undefined)
          verdicts.push({
            ok:
              value !== undefined &&
              value !== null &&
              typeof value !== 'object' &&
              new RegExp(rule.matches).test(String(value)),
            expected: `${rule.path} matching /${rule.matches}/`,
            found: `${rule.path} ${short(value, 80)}`,
          });
      }
    }
    return allOf(verdicts);
  },
};
