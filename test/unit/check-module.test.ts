import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCheckModule } from '../../src/grading/kinds/module.js';
import { checkSchema } from '../../src/grading/schema.js';
import { tempDir } from '../helpers/temp.js';

const fixture = resolve(
  import.meta.dirname,
  '..',
  'fixtures',
  'grading',
  'day6',
  'exercises',
  'no-gaps',
  'checks',
  'exactly-once.ts',
);

describe('TypeScript check modules', () => {
  it('loads a .ts module (types erased) and its judge names duplicates and gaps', async () => {
    const mod = await loadCheckModule(fixture);
    expect(mod.judge([1, 2, 3], [1, 2, 3], {})).toMatchObject({ ok: true });
    const verdict = mod.judge([1, 2, 2, 4], [1, 2, 3, 4], {});
    expect(verdict.ok).toBe(false);
    expect(verdict.found).toBe('duplicates [2] gaps [3] extra []');
    expect(mod.judge(null, [1], {})).toMatchObject({ ok: false, found: 'no ids.txt' });
  });

  it('refuses a module without observe and judge', async () => {
    const dir = tempDir('de-lab-module-');
    writeFileSync(join(dir, 'bad.ts'), 'export const x: number = 1;\n');
    await expect(loadCheckModule(join(dir, 'bad.ts'))).rejects.toThrow(/must export observe\(\) and judge\(\)/);
    await expect(loadCheckModule(join(dir, 'missing.ts'))).rejects.toThrow(/does not exist/);
  });

  it('the manifest keeps a module path inside the exercise folder', () => {
    const base = { id: 'c', title: { en: 't', ko: 't' }, kind: 'module' };
    expect(checkSchema.safeParse({ ...base, module: 'checks/a.ts' }).success).toBe(true);
    expect(checkSchema.safeParse({ ...base, module: '../../evil.ts' }).success).toBe(false);
    expect(checkSchema.safeParse({ ...base, module: '/etc/a.js' }).success).toBe(false);
    expect(checkSchema.safeParse({ ...base, module: 'checks/a.py' }).success).toBe(false);
  });
});
