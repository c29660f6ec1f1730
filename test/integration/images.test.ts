import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { deLab, isolatedEnv } from '../helpers/cli.js';

async function docker(args: string[]) {
  return execa('docker', args, { reject: false });
}

describe('de-lab images', () => {
  it('lists every recipe with its state, sources and the days that use it', async () => {
    const result = await deLab(['images', 'list', '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    const images = JSON.parse(result.stdout).images as Array<{
      name: string;
      tag: string;
      present: boolean;
      sources: string[];
    }>;
    const names = images.map((image) => image.name);
    for (const name of ['kafka', 'spark', 'druid', 'mariadb', 'tools', 'fluentd', 'turnilo'])
      expect(names).toContain(name);
    const mariadb = images.find((image) => image.name === 'mariadb')!;
    expect(mariadb.tag).toBe('de-lab/mariadb:10.11');
    expect(mariadb.present).toBe(true);
    expect(mariadb.sources).toContain('Debian');
  });

  it('builds from the layer cache and trusts the configured extra CA inside the image', async () => {
    const result = await deLab(['images', 'build', 'tools', '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).built[0].tag).toBe('de-lab/tools:1.0');
    const listing = await docker([
      'run',
      '--rm',
      '--entrypoint',
      'sh',
      'de-lab/tools:1.0',
      '-c',
      'ls /usr/local/share/ca-certificates/ | head -3; grep -c BEGIN /etc/ssl/certs/ca-certificates.crt',
    ]);
    // CI and this machine have SSL_CERT_FILE set: that bundle is the extra CA.
    if (process.env.SSL_CERT_FILE || process.env.NODE_EXTRA_CA_CERTS)
      expect(listing.stdout).toContain('de-lab-extra-001.crt');
  });

  it('refuses an unknown recipe name with the list of images', async () => {
    const result = await deLab(['images', 'build', 'nope']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('There is no image recipe called "nope".');
    expect(result.stderr).toMatch(/Images: .*mariadb/);
  });

  it('saves an offline bundle, loads it back, and refuses a tampered one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'de-lab-bundle-test-'));
    const bundle = join(dir, 'tools.tar');
    const before = (await docker(['image', 'inspect', '-f', '{{.Id}}', 'de-lab/tools:1.0'])).stdout.trim();
    const saved = await deLab(['images', 'save', 'tools', '--out', bundle, '--json']);
    expect(saved.exitCode, saved.stderr).toBe(0);
    const manifest = JSON.parse(saved.stdout);
    expect(manifest.images).toEqual([{ tag: 'de-lab/tools:1.0', id: before }]);
    expect(manifest.archive.sha256).toMatch(/^[0-9a-f]{64}$/);

    // Remove the image (it is rebuilt from cache by other tests if this one fails halfway).
    await docker(['image', 'rm', '-f', 'de-lab/tools:1.0']);
    const loaded = await deLab(['images', 'load', bundle]);
    expect(loaded.exitCode, loaded.stderr).toBe(0);
    expect(loaded.stdout).toContain('Checksum verified');
    expect((await docker(['image', 'inspect', '-f', '{{.Id}}', 'de-lab/tools:1.0'])).stdout.trim()).toBe(before);

    // Flip one byte in the middle of images.tar inside the bundle.
    const bytes = readFileSync(bundle);
    const at = Math.floor(bytes.length / 2);
    bytes[at] = bytes[at]! ^ 0xff;
    const tampered = join(dir, 'tampered.tar');
    writeFileSync(tampered, bytes);
    const refused = await deLab(['images', 'load', tampered], { env: isolatedEnv() });
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(/is not a usable de-lab bundle: checksum mismatch/);

    const missing = await deLab(['images', 'load', join(dir, 'nope.tar')]);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('There is no bundle file at');
  });
});
