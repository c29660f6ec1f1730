import type Dockerode from 'dockerode';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { DeLabError, EXIT } from '../core/errors.js';
import { tr } from '../i18n/lang.js';
import { hashing } from './bundle.js';
import { archiveFile, BUNDLE_FORMAT, refuseMissing, type BundleManifest, type SaveItem } from './bundle-format.js';
import type { Platform } from './platform.js';
import { imagePlatform } from './variants.js';

/** The id of each item's image on the engine; refuses, naming the builds to run, when any is missing. */
async function imageIds(docker: Dockerode, items: SaveItem[], native: Platform | undefined): Promise<string[]> {
  const ids: Array<string | undefined> = [];
  for (const item of items) {
    const info = await docker
      .getImage(item.engineTag)
      .inspect()
      .catch(() => undefined);
    ids.push(info && imagePlatform(info) === item.platform ? info.Id : undefined);
  }
  refuseMissing(
    items.filter((_item, n) => ids[n] === undefined),
    native,
  );
  return ids as string[];
}

/** Writes one platform's images, by id (no tags inside), as a `docker save` archive; its checksum. */
async function saveArchive(docker: Dockerode, ids: string[], path: string) {
  const hash = createHash('sha256');
  const counter = { bytes: 0 };
  const stream = (await (docker as any).getImages({ names: [...new Set(ids)] })) as NodeJS.ReadableStream;
  await pipeline(stream, hashing(hash, counter), createWriteStream(path));
  return { sha256: hash.digest('hex'), bytes: counter.bytes };
}

/**
 * Writes one tar holding manifest.json and one `docker save` archive per platform of `items`
 * (see bundle-format.ts). Refuses before writing anything when an image is not on the engine.
 */
export async function saveBundle(
  docker: Dockerode,
  items: SaveItem[],
  out: string,
  native: Platform | undefined,
): Promise<BundleManifest> {
  if (!existsSync(dirname(resolve(out))))
    throw new DeLabError(tr({ en: `The folder of ${out} does not exist.`, ko: `${out}의 폴더가 없습니다.` }), {
      hint: tr({ en: 'Create it or choose another --out path.', ko: '폴더를 만들거나 다른 --out 경로를 고르세요.' }),
      code: 'E_BUNDLE',
      exitCode: EXIT.usage,
    });
  const ids = await imageIds(docker, items, native);
  const platforms = [...new Set(items.map((item) => item.platform))];
  const images = items.map((item, n) => ({ name: item.name, tag: item.tag, id: ids[n]!, platform: item.platform }));
  const work = mkdtempSync(join(tmpdir(), 'de-lab-bundle-'));
  try {
    const archives: BundleManifest['archives'] = [];
    for (const platform of platforms) {
      const file = archiveFile(platform);
      const ofPlatform = images.filter((image) => image.platform === platform).map((image) => image.id);
      archives.push({ platform, file, ...(await saveArchive(docker, ofPlatform, join(work, file))) });
    }
    const manifest: BundleManifest = {
      format: BUNDLE_FORMAT,
      createdAt: new Date().toISOString(),
      platforms,
      images,
      archives,
    };
    writeFileSync(join(work, 'manifest.json'), JSON.stringify(manifest, null, 2));
    const { pack } = await import('tar-fs');
    const entries = ['manifest.json', ...archives.map((a) => a.file)];
    await pipeline(pack(work, { entries }), createWriteStream(resolve(out)));
    return manifest;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
