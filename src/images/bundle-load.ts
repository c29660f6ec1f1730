import type Dockerode from 'dockerode';
import { createReadStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { DeLabError, EXIT, errorMessage } from '../core/errors.js';
import { josa } from '../i18n/josa.js';
import { tr } from '../i18n/lang.js';
import { fileChecksum, idOf, invalidBundle, loadArchive } from './bundle.js';
import {
  BUNDLE_FORMAT,
  parseManifest,
  refuseAbsentPlatforms,
  wantedEntries,
  type BundleManifest,
  type BundleManifestV1,
} from './bundle-format.js';
import { enginePlatform, requireNative, variantTag, type EngineFacts, type Platform } from './platform.js';
import { imagePlatform } from './variants.js';

/** What `images load` loaded: each image under the tag it has now on this engine. */
export interface LoadedBundle {
  format: string;
  createdAt: string;
  /** The platforms loaded (none recorded in a bundle from before platforms). */
  platforms: Platform[];
  images: Array<{ tag: string; id: string; platform?: Platform }>;
}

async function verify(path: string, work: string, archive: { file: string; sha256: string; bytes: number }) {
  if (!existsSync(join(work, archive.file))) throw invalidBundle(path, `${archive.file} is missing`);
  const found = await fileChecksum(join(work, archive.file));
  if (found.sha256 !== archive.sha256 || found.bytes !== archive.bytes)
    throw invalidBundle(
      path,
      `checksum mismatch in ${archive.file} (expected ${archive.sha256.slice(0, 12)}…, ${archive.bytes} bytes; found ${found.sha256.slice(0, 12)}…, ${found.bytes} bytes)`,
    );
}

/** A bundle from before platforms: one archive saved by tag, loaded whole, each tag checked against its id. */
async function loadV1(docker: Dockerode, path: string, work: string, manifest: BundleManifestV1) {
  await verify(path, work, manifest.archive);
  await loadArchive(docker, join(work, manifest.archive.file));
  for (const image of manifest.images)
    if ((await idOf(docker, image.tag)) !== image.id)
      throw invalidBundle(path, `${image.tag} did not load as ${image.id.slice(0, 19)}`);
  return { format: manifest.format, createdAt: manifest.createdAt, platforms: [], images: manifest.images };
}

/** Verifies every wanted archive first, then loads each and tags its images for this engine. */
async function loadV2(
  docker: Dockerode,
  path: string,
  work: string,
  manifest: BundleManifest,
  wanted: Platform[],
  native: Platform | undefined,
): Promise<LoadedBundle> {
  refuseAbsentPlatforms(path, manifest, wanted);
  const archives = wanted.map((platform) => manifest.archives.find((a) => a.platform === platform)!);
  for (const archive of archives) await verify(path, work, archive);
  const images: LoadedBundle['images'] = [];
  for (const archive of archives) {
    await loadArchive(docker, join(work, archive.file));
    for (const image of manifest.images.filter((i) => i.platform === archive.platform)) {
      const info = await docker
        .getImage(image.id)
        .inspect()
        .catch(() => undefined);
      if (!info || imagePlatform(info) !== image.platform)
        throw invalidBundle(path, `${image.tag} (${image.platform}) did not load as ${image.id.slice(0, 19)}`);
      const tag = variantTag(image.tag, image.platform, native);
      const at = tag.lastIndexOf(':');
      await docker.getImage(image.id).tag({ repo: tag.slice(0, at), tag: tag.slice(at + 1) });
      if ((await idOf(docker, tag)) !== image.id) throw invalidBundle(path, `${tag} did not take ${image.id}`);
      images.push({ tag, id: image.id, platform: image.platform });
    }
  }
  return { format: manifest.format, createdAt: manifest.createdAt, platforms: wanted, images };
}

/**
 * Verifies a bundle's checksums, then loads its images: for a bundle with platforms, those of
 * `requested` (the engine's own platform when left out), each tagged for this engine.
 */
export async function loadBundle(docker: Dockerode, file: string, requested?: Platform[]): Promise<LoadedBundle> {
  const path = resolve(file);
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new DeLabError(tr({ en: `There is no bundle file at ${path}.`, ko: `${path}에 번들 파일이 없습니다.` }), {
      hint: tr({
        en: 'Give the path of a file made by `de-lab images save`.',
        ko: '`de-lab images save`로 만든 파일 경로를 주세요.',
      }),
      code: 'E_BUNDLE',
      exitCode: EXIT.usage,
    });
  }
  const info = (await docker.info()) as EngineFacts;
  const native = enginePlatform(info);
  const entries = wantedEntries(requested ?? (native ? [native] : []));
  const work = mkdtempSync(join(tmpdir(), 'de-lab-load-'));
  try {
    const { extract } = await import('tar-fs');
    // Only the known entries wanted here are written; anything else (paths, links) is ignored.
    await pipeline(
      createReadStream(path),
      extract(work, {
        ignore: (_name: string, header?: { name: string; type?: string }) =>
          !header || header.type !== 'file' || !entries.includes(header.name),
      }),
    );
    if (!existsSync(join(work, 'manifest.json'))) throw invalidBundle(path, 'manifest.json is missing');
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(join(work, 'manifest.json'), 'utf8'));
    } catch (error) {
      throw invalidBundle(path, `manifest.json is not JSON (${errorMessage(error)})`);
    }
    const manifest = parseManifest(json);
    if (typeof manifest === 'string') throw invalidBundle(path, manifest);
    if (manifest.format === BUNDLE_FORMAT)
      return await loadV2(docker, path, work, manifest, requested ?? [requireNative(native, info)], native);
    if (requested)
      throw new DeLabError(
        tr({
          en: `${file} was made before bundles recorded platforms, so it holds its maker's platform only: load it without --platform.`,
          ko: `${josa(file, '은/는')} 번들에 플랫폼을 기록하기 전에 만든 것이라 만든 엔진의 플랫폼만 담고 있습니다. --platform 없이 불러오세요.`,
        }),
        { code: 'E_BUNDLE', exitCode: EXIT.usage },
      );
    return await loadV1(docker, path, work, manifest);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
