import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCheckModule, moduleKind, type CheckModule } from '../../src/grading/kinds/module.js';
import { checkSchema, type Check } from '../../src/grading/schema.js';
import { tempDir } from '../helpers/temp.js';

// check-module.test.ts covers loading a .ts module and the manifest's path rule; this file covers the
// kind's judge (how a module's verdict is passed on) and the loader's remaining cases.

type ModuleCheck = Extract<Check, { kind: 'module' }>;

const title = { en: 'check', ko: '검사' };
const check = (extra: Record<string, unknown> = {}) =>
  checkSchema.parse({ id: 'm', title, kind: 'module', module: 'checks/c.ts', ...extra }) as ModuleCheck;
const dir = tempDir('de-lab-kinds-module-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Registers a module under a key, as observe() does, and returns the observation that names it. */
function loaded(key: string, judge: CheckModule['judge'], value: unknown = 'observed') {
  moduleKind.loaded.set(key, { observe: () => value, judge });
  return { module: key, value };
}

describe('module kind: judge', () => {
  it('passes the observation, the reference value and the options to the module', () => {
    const calls: unknown[][] = [];
    const observed = loaded(
      'k1',
      (o, r, opt) => {
        calls.push([o, r, opt]);
        return { ok: true, expected: 'e', found: 'f' };
      },
      [1, 2],
    );
    const v = moduleKind.judge(check({ options: { file: 'ids.txt' } }), observed, { value: [1, 2, 3] });
    expect(v).toEqual({ ok: true, expected: 'e', found: 'f' });
    expect(calls).toEqual([[[1, 2], [1, 2, 3], { file: 'ids.txt' }]]);
  });

  it('without a reference the module gets undefined', () => {
    let got: unknown = 'not called';
    moduleKind.judge(
      check(),
      loaded('k2', (_o, r) => ((got = r), { ok: true, expected: '', found: '' })),
      undefined,
    );
    expect(got).toBeUndefined();
  });

  it('only ok === true passes; expected and found become strings', () => {
    const truthy = loaded('k3', () => ({ ok: 'yes', expected: 3, found: undefined }) as never);
    expect(moduleKind.judge(check(), truthy, undefined)).toEqual({ ok: false, expected: '3', found: '' });
    const one = loaded('k4', () => ({ ok: 1, expected: 'x', found: 'y' }) as never);
    expect(moduleKind.judge(check(), one, undefined).ok).toBe(false);
  });

  it('a failing verdict is passed on unchanged, Korean included', () => {
    const v = moduleKind.judge(
      check(),
      loaded('k5', () => ({ ok: false, expected: '중복 없음', found: '중복 [2]' })),
      undefined,
    );
    expect(v).toEqual({ ok: false, expected: '중복 없음', found: '중복 [2]' });
  });

  it('an observation whose module was never loaded fails', () => {
    expect(moduleKind.judge(check(), { module: 'never-loaded', value: 1 }, undefined)).toEqual({
      ok: false,
      expected: 'check module checks/c.ts loaded',
      found: 'not loaded',
    });
  });

  it('needsReference follows compareToReference', () => {
    expect(moduleKind.needsReference(check())).toBe(false);
    expect(moduleKind.needsReference(check({ compareToReference: true }))).toBe(true);
  });

  // Fixed (issue 15), was: BUG: a module's judge that throws (for example on learner output it did not expect: null.length) or
  // returns nothing makes moduleKind.judge throw, and runner.evaluate() does not catch it: the whole
  // exercise run ends with an exception instead of one failing check.
  // Input: a module whose judge is `() => { throw new Error('boom') }`, and one whose judge returns undefined.
  it('a module judge that throws or returns nothing gives a failing verdict', () => {
    const throwing = loaded('k6', () => {
      throw new Error('boom');
    });
    expect(moduleKind.judge(check(), throwing, undefined)).toMatchObject({ ok: false });
    const empty = loaded('k7', () => undefined as never);
    expect(moduleKind.judge(check(), empty, undefined)).toMatchObject({ ok: false });
  });
});

describe('loadCheckModule: remaining cases', () => {
  it('loads a plain .mjs module and a module whose functions are on the default export', async () => {
    writeFileSync(
      join(dir, 'plain.mjs'),
      'export function observe() { return 1; }\nexport function judge(o) { return { ok: o === 1, expected: "1", found: String(o) }; }\n',
    );
    const plain = await loadCheckModule(join(dir, 'plain.mjs'));
    expect(plain.judge(1, undefined, {})).toEqual({ ok: true, expected: '1', found: '1' });
    writeFileSync(
      join(dir, 'default.ts'),
      'export default { observe: (): number => 2, judge: (o: number) => ({ ok: o === 2, expected: "2", found: String(o) }) };\n',
    );
    const viaDefault = await loadCheckModule(join(dir, 'default.ts'));
    expect(await viaDefault.observe({} as never, {})).toBe(2);
    expect(viaDefault.judge(3, undefined, {})).toEqual({ ok: false, expected: '2', found: '3' });
  });

  it('a changed .ts module is transpiled again (the cache is keyed by content)', async () => {
    const file = join(dir, 'changing.ts');
    writeFileSync(
      file,
      'export const observe = (): string => "v1";\nexport const judge = () => ({ ok: true, expected: "", found: "" });\n',
    );
    expect(await (await loadCheckModule(file)).observe({} as never, {})).toBe('v1');
    writeFileSync(
      file,
      'export const observe = (): string => "v2";\nexport const judge = () => ({ ok: true, expected: "", found: "" });\n',
    );
    expect(await (await loadCheckModule(file)).observe({} as never, {})).toBe('v2');
  });
});
