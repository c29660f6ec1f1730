import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deLab, isolatedEnv } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

async function docker(args: string[]) {
  return execa('docker', args, { reject: false });
}

/**
 * Loads a one-layer image of a few bytes whose config says `arch`, in `docker save`'s format (as
 * .ci/arm64-base.sh loads the arm64 base), so no registry and no emulator is needed; its id.
 */
async function tinyImage(dir: string, tag: string, arch: string): Promise<string> {
  const work = mkdtempSync(join(dir, 'image-'));
  mkdirSync(join(work, 'root'));
  writeFileSync(join(work, 'root', 'platform'), `${tag} ${arch}\n`);
  await execa('tar', ['-cf', join(work, 'layer.tar'), '-C', join(work, 'root'), '.']);
  const layer = readFileSync(join(work, 'layer.tar'));
  const diff = createHash('sha256').update(layer).digest('hex');
  const image = join(work, 'image');
  mkdirSync(join(image, diff), { recursive: true });
  writeFileSync(join(image, diff, 'layer.tar'), layer);
  const config = JSON.stringify({
    architecture: arch,
    os: 'linux',
    config: {},
    rootfs: { type: 'layers', diff_ids: [`sha256:${diff}`] },
  });
  const configId = createHash('sha256').update(config).digest('hex');
  writeFileSync(join(image, `${configId}.json`), config);
  const manifest = [{ Config: `${configId}.json`, RepoTags: [tag], Layers: [`${diff}/layer.tar`] }];
  writeFileSync(join(image, 'manifest.json'), JSON.stringify(manifest));
  await execa('tar', ['-cf', join(work, 'image.tar'), '-C', image, '.']);
  await execa('docker', ['load', '-i', join(work, 'image.tar')]);
  return `sha256:${configId}`;
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
});

describe('de-lab images: platform variants and multi-platform bundles', () => {
  // Tiny images of both platforms under a prefix of this run only: CI's engine holds no arm64
  // course image, and the real ones are never removed here.
  const dir = tempDir('de-lab-bundle-test-');
  const prefix = `de-lab-it-${process.pid}`;
  const env = isolatedEnv({ DE_LAB_IMAGE_PREFIX: prefix });
  const run = (args: string[]) => deLab(args, { env });
  const own = `${prefix}/tools:1.0`;
  const bundle = join(dir, 'tools.tar');
  const ids = { own: '', foreign: '' };
  let native = 'amd64';
  let other = 'arm64';
  const foreign = () => `${own}-${other}`;
  const platforms = () => `linux/${native},linux/${other}`;
  const idOf = async (tag: string) => (await docker(['image', 'inspect', '-f', '{{.Id}}', tag])).stdout.trim();

  beforeAll(async () => {
    if ((await docker(['info', '-f', '{{.Architecture}}'])).stdout.trim() === 'aarch64')
      [native, other] = [other, native];
    ids.own = await tinyImage(dir, own, native);
    ids.foreign = await tinyImage(dir, foreign(), other);
  });
  afterAll(async () => {
    await docker(['image', 'rm', '-f', own, foreign()]);
  });

  it('lists every platform variant present and the platforms a recipe builds for', async () => {
    const listed = JSON.parse((await run(['images', 'list', '--json'])).stdout);
    const tools = listed.images.find((image: { name: string }) => image.name === 'tools');
    expect(listed.platform).toBe(`linux/${native}`);
    expect(tools.buildsFor).toEqual(['linux/amd64', 'linux/arm64']);
    expect(tools.variants.map((v: { tag: string; imagePlatform?: string }) => [v.tag, v.imagePlatform])).toEqual(
      expect.arrayContaining([
        [own, `linux/${native}`],
        [foreign(), `linux/${other}`],
      ]),
    );
  });

  it("saves both platforms, loads the engine's own by default and another with --platform", async () => {
    const saved = await run(['images', 'save', 'tools', '--platform', platforms(), '--out', bundle, '--json']);
    expect(saved.exitCode, saved.stderr).toBe(0);
    const manifest = JSON.parse(saved.stdout);
    expect(manifest.format).toBe('de-lab-bundle/2');
    expect(manifest.images).toEqual([
      { name: 'tools', tag: own, id: ids.own, platform: `linux/${native}` },
      { name: 'tools', tag: own, id: ids.foreign, platform: `linux/${other}` },
    ]);
    expect(manifest.archives.map((a: { file: string }) => a.file)).toEqual([
      `images-${native}.tar`,
      `images-${other}.tar`,
    ]);

    await docker(['image', 'rm', '-f', own, foreign()]);
    const loaded = await run(['images', 'load', bundle]);
    expect(loaded.exitCode, loaded.stderr).toBe(0);
    expect(loaded.stdout).toContain(`Checksum verified; loaded ${own} (linux/${native}).`);
    expect(await idOf(own)).toBe(ids.own);
    expect(await idOf(foreign())).toBe('');
    const loadedOther = await run(['images', 'load', bundle, '--platform', `linux/${other}`, '--json']);
    expect(loadedOther.exitCode, loadedOther.stderr).toBe(0);
    expect(JSON.parse(loadedOther.stdout).images).toEqual([
      { tag: foreign(), id: ids.foreign, platform: `linux/${other}` },
    ]);
    expect(await idOf(foreign())).toBe(ids.foreign);
  });

  it('still loads a bundle from before platforms (one images.tar saved by tag)', async () => {
    const old = join(dir, 'old');
    mkdirSync(old);
    await docker(['save', '-o', join(old, 'images.tar'), own]);
    const bytes = readFileSync(join(old, 'images.tar'));
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const manifest = {
      format: 'de-lab-bundle/1',
      createdAt: '2026-11-01T00:00:00Z',
      images: [{ tag: own, id: ids.own }],
      archive: { file: 'images.tar', sha256, bytes: bytes.length },
    };
    writeFileSync(join(old, 'manifest.json'), JSON.stringify(manifest));
    await execa('tar', ['-cf', join(dir, 'old.tar'), '-C', old, 'manifest.json', 'images.tar']);
    await docker(['image', 'rm', '-f', own]);
    const loaded = await run(['images', 'load', join(dir, 'old.tar')]);
    expect(loaded.exitCode, loaded.stderr).toBe(0);
    expect(await idOf(own)).toBe(ids.own);
  });

  it('refuses a tampered bundle, a missing file, and names the build a missing platform needs', async () => {
    const parts = join(dir, 'parts');
    mkdirSync(parts);
    await execa('tar', ['-xf', bundle, '-C', parts]);
    const inner = readFileSync(join(parts, `images-${native}.tar`));
    inner[100] = inner[100]! ^ 0xff;
    writeFileSync(join(parts, `images-${native}.tar`), inner);
    const tampered = join(dir, 'tampered.tar');
    const entries = ['manifest.json', `images-${native}.tar`, `images-${other}.tar`];
    await execa('tar', ['-cf', tampered, '-C', parts, ...entries]);
    const refused = await run(['images', 'load', tampered]);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(/is not a usable de-lab bundle: checksum mismatch in images-/);

    const noFile = await run(['images', 'load', join(dir, 'nope.tar')]);
    expect(noFile.exitCode).toBe(2);
    expect(noFile.stderr).toContain('There is no bundle file at');

    await docker(['image', 'rm', '-f', foreign()]);
    const missing = await run(['images', 'save', 'tools', '--platform', platforms(), '--out', bundle]);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain(
      `This engine has no linux/${other} image of tools: run \`de-lab images build tools --platform linux/${other}\` first.`,
    );
  });
});
