import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_ARCHIVE_LIMITS,
  unpackSubmission,
  UnsafeSubmission,
  type SubmissionFormat,
} from '../../src/grading/grade/archive.js';
import { tarGzBytes, zipBytes, type TarEntry, type ZipEntry } from './grade-archives.js';
import { tempDir } from '../helpers/temp.js';

const parent = tempDir('de-lab-grade-unit-');
afterAll(() => rmSync(parent, { recursive: true, force: true }));

/** A sandbox: the archive is unpacked into <box>/a/b/dest, so "../.." escapes stay inside <box> for inspection. */
function sandbox() {
  const box = mkdtempSync(join(parent, 'box-'));
  mkdirSync(join(box, 'a', 'b'), { recursive: true });
  return { box, dest: join(box, 'a', 'b', 'dest') };
}

async function unpack(format: SubmissionFormat, bytes: Buffer, limits = DEFAULT_ARCHIVE_LIMITS) {
  const { box, dest } = sandbox();
  const file = join(box, format === 'zip' ? 'sub.zip' : 'sub.tar.gz');
  writeFileSync(file, bytes);
  try {
    return { box, dest, result: await unpackSubmission({ path: file, format }, dest, limits) };
  } catch (error) {
    return { box, dest, error: error as Error };
  }
}

const zip = (entries: ZipEntry[], limits?: typeof DEFAULT_ARCHIVE_LIMITS) => unpack('zip', zipBytes(entries), limits);
const tgz = async (entries: TarEntry[], limits?: typeof DEFAULT_ARCHIVE_LIMITS) =>
  unpack('tar.gz', await tarGzBytes(entries), limits);

function rejected(outcome: { error?: Error }, reason: RegExp): void {
  expect(outcome.error, 'expected the submission to be rejected').toBeInstanceOf(UnsafeSubmission);
  expect((outcome.error as UnsafeSubmission).reason).toMatch(reason);
}

describe('unpacking submissions', () => {
  it('unpacks a plain zip and tar.gz, keeping links that stay inside', async () => {
    const z = await zip([
      { name: 'day7/' },
      { name: 'day7/a/run.sh', data: 'echo hi\n', mode: 0o755 },
      { name: 'day7/a/latest.sh', symlink: 'run.sh' },
    ]);
    expect(z.error).toBeUndefined();
    expect(readFileSync(join(z.dest, 'day7/a/run.sh'), 'utf8')).toBe('echo hi\n');
    expect(readlinkSync(join(z.dest, 'day7/a/latest.sh'))).toBe('run.sh');
    expect(z.result).toMatchObject({ files: 1, bytes: 8 });
    const t = await tgz([
      { name: 'x/', type: 'directory' },
      { name: 'x/out.csv', data: 'a,b\n' },
      { name: 'x/same.csv', type: 'link', linkname: 'x/out.csv' },
    ]);
    expect(t.error).toBeUndefined();
    expect(readFileSync(join(t.dest, 'x/same.csv'), 'utf8')).toBe('a,b\n');
  });

  it('rejects zip-slip ("../") in a zip and in a tar.gz, writing nothing outside', async () => {
    const z = await zip([
      { name: 'ok.txt', data: 'fine' },
      { name: '../../evil.sh', data: 'rm -rf ~' },
    ]);
    rejected(z, /"\.\.\/\.\.\/evil\.sh" uses "\.\." to point outside the submission \(path traversal\)/);
    expect(existsSync(join(z.box, 'a', 'evil.sh')) || existsSync(join(z.box, 'evil.sh'))).toBe(false);
    const t = await tgz([{ name: 'day7/../../../evil.sh', data: 'x' }]);
    rejected(t, /path traversal/);
    expect(existsSync(join(t.box, 'a', 'evil.sh'))).toBe(false);
  });

  it('rejects absolute paths', async () => {
    rejected(await zip([{ name: '/tmp/de-lab-evil.txt', data: 'x' }]), /absolute path/);
    rejected(await tgz([{ name: '/tmp/de-lab-evil.txt', data: 'x' }]), /absolute path/);
    expect(existsSync('/tmp/de-lab-evil.txt')).toBe(false);
  });

  it('rejects symbolic links that escape, directly, absolutely or through another link', async () => {
    rejected(
      await zip([{ name: 'out.csv', symlink: '../../../../etc/passwd' }]),
      /symbolic link "out\.csv" points to "\.\.\/\.\.\/\.\.\/\.\.\/etc\/passwd", outside the submission/,
    );
    rejected(
      await tgz([{ name: 'out.csv', type: 'symlink', linkname: '/etc/passwd' }]),
      /points to the absolute path "\/etc\/passwd"/,
    );
    // up -> .. is inside-looking per entry only when resolved lexically; a file written through it must not land outside.
    rejected(
      await tgz([
        { name: 'up', type: 'symlink', linkname: '.' },
        { name: 'up/../../x', data: 'x' },
      ]),
      /path traversal/,
    );
    rejected(
      await tgz([
        { name: 'd', type: 'symlink', linkname: 'sub' },
        { name: 'd/inner', type: 'symlink', linkname: '..' },
      ]),
      /lies behind the symbolic link "d"/,
    );
  });

  it('rejects hard links to outside files, devices and FIFOs', async () => {
    rejected(
      await tgz([{ name: 'pw', type: 'link', linkname: '/etc/passwd' }]),
      /hard link "pw" points to "\/etc\/passwd"/,
    );
    rejected(await tgz([{ name: 'null', type: 'character-device' }]), /device file/);
    rejected(await tgz([{ name: 'pipe', type: 'fifo' }]), /special file/);
  });

  it('rejects oversized archives by total bytes, file size and entry count', async () => {
    const limits = { maxTotalBytes: 1000, maxFiles: 5, maxFileBytes: 600 };
    rejected(
      await tgz(
        [
          { name: 'a', data: 'x'.repeat(500) },
          { name: 'b', data: 'y'.repeat(520) },
        ],
        limits,
      ),
      /unpacks to more than 1000 bytes \(the limit\)/,
    );
    rejected(
      await zip([{ name: 'a', data: 'x'.repeat(1200) }], { ...limits, maxFileBytes: 2000 }),
      /the archive is 1\.\d KB, over the limit of 1000 bytes/,
    );
    rejected(await tgz([{ name: 'big', data: 'z'.repeat(700) }], limits), /larger than the per-file limit/);
    rejected(
      await tgz(
        Array.from({ length: 6 }, (_, i) => ({ name: `f${i}`, data: 'x' })),
        limits,
      ),
      /more than 5 files/,
    );
    rejected(
      await zip(
        Array.from({ length: 6 }, (_, i) => ({ name: `f${i}`, data: 'x' })),
        limits,
      ),
      /more than 5 files/,
    );
  });

  it('rejects a gzip bomb by what it inflates to, not by what its headers claim', async () => {
    const bomb = await tarGzBytes([{ name: 'zeros', data: '\0'.repeat(3 * 1024 * 1024) }]);
    expect(bomb.length).toBeLessThan(64 * 1024);
    rejected(
      await unpack('tar.gz', bomb, { maxTotalBytes: 1024 * 1024, maxFiles: 10, maxFileBytes: 1024 * 1024 }),
      /larger than the per-file limit|unpacks to more than/,
    );
  });

  it('reads a folder under the same rules: an escaping link rejects it', async () => {
    const { box, dest } = sandbox();
    const folder = join(box, 'alice');
    mkdirSync(join(folder, 'day7'), { recursive: true });
    writeFileSync(join(folder, 'day7', 'ok.sh'), 'echo\n');
    symlinkSync('/etc/shadow', join(folder, 'day7', 'out.csv'));
    await expect(unpackSubmission({ path: folder, format: 'folder' }, dest)).rejects.toMatchObject({
      reason: expect.stringMatching(/absolute path "\/etc\/shadow"/),
    });
  });

  it('names a broken archive as such', async () => {
    rejected(await unpack('zip', Buffer.from('not a zip at all')), /not a readable \.zip archive/);
    rejected(await unpack('tar.gz', Buffer.from('not gzip')), /not a readable \.tar\.gz archive/);
  });
});
