import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { unpackSubmission } from '../../src/grading/grade/archive.js';
import { tarGzBytes } from './grade-archives.js';

const dirs: string[] = [];
const temp = () => {
  const dir = mkdtempSync(join(tmpdir(), 'de-lab-submitted-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('submission time', () => {
  it("is the newest file entry of a .tar.gz (folders and links don't count)", async () => {
    const box = temp();
    const file = join(box, 'kim.tar.gz');
    writeFileSync(
      file,
      await tarGzBytes([
        { name: 'day1/', type: 'directory', mtime: new Date('2026-03-09T00:00:00Z') },
        { name: 'day1/a.txt', data: 'a', mtime: new Date('2026-03-02T10:00:00Z') },
        { name: 'day1/b.txt', data: 'b', mtime: new Date('2026-03-03T01:30:00Z') },
      ]),
    );
    const result = await unpackSubmission({ path: file, format: 'tar.gz' }, join(box, 'out'));
    expect(result.newest).toBe('2026-03-03T01:30:00.000Z');
  });

  it('is the newest file of a folder submission', async () => {
    const box = temp();
    const folder = join(box, 'kim');
    mkdirSync(join(folder, 'day1'), { recursive: true });
    for (const [name, when] of [
      ['day1/a.txt', '2026-03-01T00:00:00Z'],
      ['day1/b.txt', '2026-03-02T15:00:00Z'],
    ] as const) {
      writeFileSync(join(folder, name), name);
      utimesSync(join(folder, name), new Date(when), new Date(when));
    }
    const result = await unpackSubmission({ path: folder, format: 'folder' }, join(box, 'out'));
    expect(result.newest).toBe('2026-03-02T15:00:00.000Z');
  });
});
