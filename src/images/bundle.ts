import type Dockerode from 'dockerode';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DeLabError } from '../core/errors.js';
import { josa } from '../i18n/josa.js';
import { tr } from '../i18n/lang.js';

/** A pass-through that adds what flows through it to a sha256 and a byte count. */
export function hashing(hash: ReturnType<typeof createHash>, counter: { bytes: number }): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      counter.bytes += chunk.length;
      callback(null, chunk);
    },
  });
}

/** The sha256 and size of a file. */
export async function fileChecksum(path: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  const counter = { bytes: 0 };
  await pipeline(createReadStream(path), hashing(hash, counter), new Writable({ write: (_c, _e, cb) => cb() }));
  return { sha256: hash.digest('hex'), bytes: counter.bytes };
}

export function invalidBundle(file: string, why: string): DeLabError {
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

/** Loads one `docker save` archive into the engine and waits until the engine has read it all. */
export async function loadArchive(docker: Dockerode, path: string): Promise<void> {
  const stream = await docker.loadImage(createReadStream(path));
  await new Promise<void>((resolvePromise, reject) =>
    docker.modem.followProgress(stream, (error: Error | null) => (error ? reject(error) : resolvePromise())),
  );
}

/** The id of the image a tag names on the engine, or undefined when there is none. */
export async function idOf(docker: Dockerode, tag: string): Promise<string | undefined> {
  return docker
    .getImage(tag)
    .inspect()
    .then(
      (info) => info.Id,
      () => undefined,
    );
}
