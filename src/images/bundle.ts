import type Dockerode from 'dockerode';
import { josa } from '../i18n/josa.js';
import { createHash } from 'node:crypto';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { DeLabError, EXIT, errorMessage } from '../core/errors.js';
import { tr } from '../i18n/lang.js';

export const BUNDLE_FORMAT = 'de-lab-bundle/1';

export interface BundleManifest {
  format: typeof BUNDLE_FORMAT;
  createdAt: string;
  images: Array<{ tag: string; id: string }>;
  archive: { file: 'images.tar'; sha256: string; bytes: number };
}

function hashing(hash: ReturnType<typeof createHash>, counter: { bytes: number }): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      counter.bytes += chunk.length;
      callback(null, chunk);
    },
  });
}

/** Writes one tar holding manifest.json and images.tar (the engine's `docker save` of the tags). */
export async function saveBundle(docker: Dockerode, tags: string[], out: string): Promise<BundleManifest> {
  const images: BundleManifest['images'] = [];
  for (const tag of tags) {
    try {
      images.push({ tag, id: (await docker.getImage(tag).inspect()).Id });
    } catch {
      throw new DeLabError(
        tr({
          en: `The image ${tag} is not on this engine, so it cannot be bundled.`,
          ko: `${tag} 이미지가 이 엔진에 없어 번들에 넣을 수 없습니다.`,
        }),
        {
          hint: tr({
            en: 'Build it first with `de-lab images build`.',
            ko: '먼저 `de-lab images build`로 빌드하세요.',
          }),
          code: 'E_BUNDLE',
        },
      );
    }
  }
  const work = mkdtempSync(join(tmpdir(), 'de-lab-bundle-'));
  try {
    const hash = createHash('sha256');
    const counter = { bytes: 0 };
    const stream = (await (docker as any).getImages({ names: tags })) as NodeJS.ReadableStream;
    await pipeline(stream, hashing(hash, counter), createWriteStream(join(work, 'images.tar')));
    const manifest: BundleManifest = {
      format: BUNDLE_FORMAT,
      createdAt: new Date().toISOString(),
      images,
      archive: { file: 'images.tar', sha256: hash.digest('hex'), bytes: counter.bytes },
    };
    writeFileSync(join(work, 'manifest.json'), JSON.stringify(manifest, null, 2));
    const { pack } = await import('tar-fs');
    if (!existsSync(dirname(resolve(out))))
      throw new DeLabError(tr({ en: `The folder of ${out} does not exist.`, ko: `${out}의 폴더가 없습니다.` }), {
        hint: tr({ en: 'Create it or choose another --out path.', ko: '폴더를 만들거나 다른 --out 경로를 고르세요.' }),
        code: 'E_BUNDLE',
        exitCode: EXIT.usage,
      });
    await pipeline(pack(work, { entries: ['manifest.json', 'images.tar'] }), createWriteStream(resolve(out)));
    return manifest;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function invalidBundle(file: string, why: string): DeLabError {
  return new DeLabError(
    tr({
      en: `${file} is not a usable de-lab bundle: ${why}.`,
      ko: `${josa(file, '은/는')} 쓸 수 있는 de-lab 번들이 아닙니다: ${why}.`,
    }),
    {
      hint: tr({
        en: 'Copy the bundle again (it may be truncated), or make a new one with `de-lab images save --out FILE`.',
        ko: '번들을 다시 복사하거나(잘렸을 수 있음) `de-lab images save --out FILE`로 새로 만드세요.',
      }),
      code: 'E_BUNDLE',
    },
  );
}

/** Verifies the checksum manifest, then loads the images and checks each tag arrived with its id. */
export async function loadBundle(docker: Dockerode, file: string): Promise<BundleManifest> {
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
  const work = mkdtempSync(join(tmpdir(), 'de-lab-load-'));
  try {
    const { extract } = await import('tar-fs');
    // Only the two known entries are written; anything else (paths, links) is ignored.
    await pipeline(
      createReadStream(path),
      extract(work, {
        ignore: (_name: string, header?: { name: string; type?: string }) =>
          !header || header.type !== 'file' || !['manifest.json', 'images.tar'].includes(header.name),
      }),
    );
    if (!existsSync(join(work, 'manifest.json')) || !existsSync(join(work, 'images.tar')))
      throw invalidBundle(path, 'manifest.json or images.tar is missing');
    let manifest: BundleManifest;
    try {
      manifest = JSON.parse(readFileSync(join(work, 'manifest.json'), 'utf8')) as BundleManifest;
    } catch (error) {
      throw invalidBundle(path, `manifest.json is not JSON (${errorMessage(error)})`);
    }
    if (manifest.format !== BUNDLE_FORMAT) throw invalidBundle(path, `unknown format ${String(manifest.format)}`);
    const hash = createHash('sha256');
    const counter = { bytes: 0 };
    await pipeline(
      createReadStream(join(work, 'images.tar')),
      hashing(hash, counter),
      new Transform({ transform: (_c, _e, cb) => cb() }),
    );
    const digest = hash.digest('hex');
    if (digest !== manifest.archive.sha256 || counter.bytes !== manifest.archive.bytes) {
      throw invalidBundle(
        path,
        `checksum mismatch (expected ${manifest.archive.sha256.slice(0, 12)}…, ${manifest.archive.bytes} bytes; found ${digest.slice(0, 12)}…, ${counter.bytes} bytes)`,
      );
    }
    const stream = await docker.loadImage(createReadStream(join(work, 'images.tar')));
    await new Promise<void>((resolvePromise, reject) =>
      docker.modem.followProgress(stream, (error: Error | null) => (error ? reject(error) : resolvePromise())),
    );
    for (const image of manifest.images) {
      const id = await docker
        .getImage(image.tag)
        .inspect()
        .then(
          (info) => info.Id,
          () => undefined,
        );
      if (id !== image.id) throw invalidBundle(path, `${image.tag} did not load as ${image.id.slice(0, 19)}`);
    }
    return manifest;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
