import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, type Stats } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { join, posix, resolve, sep } from 'node:path';
import type Dockerode from 'dockerode';
import { DeLabError } from '../../core/errors.js';
import { tr } from '../../i18n/lang.js';
import { onThisMachine } from './disk.js';
import { sha1, writePulled, type PullLimits, type PullMode, type PullStats } from './mirror-pull.js';

/** Where a remote engine keeps the folders of this machine that its containers mount. */
export const MIRROR_BASE = '/var/lib/de-lab/mirror';

const LABELS = { 'de-lab.managed': 'true', 'de-lab.purpose': 'mirror' };

/**
 * The folders of this machine that a remote engine's containers mount, kept on that engine's
 * own disk. A stack on an engine that does not see this machine's folders (a learner's on an
 * ssh:// or tcp:// engine; a grading stack on such an engine of `grade --engines`) bind-mounts
 * `<root>/<host path>` there instead; de-lab carries files over the Engine API (an archive into
 * and out of a carrier container, see withCarrier).
 */
export class EngineMirror {
  readonly root: string;
  /**
   * What the engine holds, as far as this process knows: each file's digest as it was pushed or
   * pulled, and the folders that came from the engine. A push leaves those alone, so a file or
   * folder a container made keeps its owner there (a pull writes it here as de-lab's user); a pull
   * never overwrites a file the learner changed since (mirror-pull.ts).
   */
  private readonly known = { files: new Map<string, string>(), dirs: new Set<string>() };
  private image?: Promise<string>;

  constructor(
    private readonly docker: Dockerode,
    readonly host: string,
    key = `${userInfo().username}@${hostname()}`,
  ) {
    this.root = posix.join(MIRROR_BASE, createHash('sha256').update(key).digest('hex').slice(0, 16));
  }

  /** Where the engine sees a path of this machine. */
  path(hostPath: string): string {
    return posix.join(this.root, toPosix(resolve(hostPath)));
  }

  /**
   * Copies a folder (or file) of this machine to the engine, with the modes and owners of every
   * folder on its way, so the containers' users may write where they may write here. Links and
   * special files are not carried (a link could lead a container to a file of the engine's host).
   */
  async push(
    hostPath: string,
    skip: (name: string) => boolean = () => false,
  ): Promise<{ files: number; bytes: number }> {
    const { pack } = await import('tar-stream');
    const full = resolve(hostPath);
    const tar = pack();
    const stats = { files: 0, bytes: 0 };
    const parts = toPosix(full).split('/').filter(Boolean);
    for (let i = 1; i < parts.length; i++) {
      const dir = `/${parts.slice(0, i).join('/')}`;
      tar.entry(header(`${parts.slice(0, i).join('/')}/`, lstatSync(dir), 'directory'));
    }
    const walk = (path: string, name: string): void => {
      const stat = lstatSync(path);
      if (stat.isDirectory()) {
        if (!this.known.dirs.has(path)) tar.entry(header(`${name}/`, stat, 'directory'));
        for (const entry of readdirSync(path).sort())
          if (!skip(posix.join(name, entry))) walk(join(path, entry), posix.join(name, entry));
      } else if (stat.isFile()) {
        const data = readFileSync(path);
        const digest = sha1(data);
        if (this.known.files.get(path) === digest) return; // the engine holds it already
        tar.entry(header(name, stat, 'file'), data);
        this.known.files.set(path, digest);
        stats.files += 1;
        stats.bytes += data.length;
      }
    };
    walk(full, parts.join('/'));
    tar.finalize();
    await this.withCarrier((container) =>
      container.putArchive(tar as unknown as NodeJS.ReadableStream, { path: '/m', copyUIDGID: '1' }),
    );
    return stats;
  }

  /** Copies what the engine holds of a folder back into it here (mirror-pull.ts says what may be written). */
  async pull(hostDir: string, mode: PullMode, limits?: Partial<PullLimits>): Promise<PullStats> {
    return this.withCarrier(async (container) => {
      const archive = (await container.getArchive({ path: `/m${toPosix(resolve(hostDir))}` })) as NodeJS.ReadableStream;
      return writePulled(archive, resolve(hostDir), mode, this.known, limits);
    });
  }

  /** Removes the engine's copy of a folder (a check's scratch copy, a grading stack's folder). */
  async forget(hostPath: string): Promise<void> {
    // Whatever is made here again at this path goes there again.
    const gone = (path: string) => path === resolve(hostPath) || path.startsWith(`${resolve(hostPath)}${sep}`);
    for (const path of [...this.known.files.keys()]) if (gone(path)) this.known.files.delete(path);
    for (const path of [...this.known.dirs]) if (gone(path)) this.known.dirs.delete(path);
    await this.withCarrier(
      async (container) => {
        await container.start();
        await container.wait();
      },
      ['rm', '-rf', '--', `/m${toPosix(resolve(hostPath))}`],
    );
  }

  /**
   * Runs `work` with a carrier: a container of an image the engine holds, whose only mount is the
   * mirror's root and which has no network. It is created for one archive (never started then) or
   * one `rm` of de-lab's own, and removed afterwards, so nothing of it stays on the engine.
   */
  private async withCarrier<T>(
    work: (container: Dockerode.Container) => Promise<T>,
    entrypoint = ['/de-lab-mirror-never-runs'],
  ): Promise<T> {
    this.image ??= this.anyImage();
    const container = await this.docker.createContainer({
      Image: await this.image,
      Entrypoint: entrypoint,
      // Root, not the image's user: the engine looks the carrier's user up in the image's passwd
      // to keep an archive's owners (copyUIDGID), and accepts no number there (engine 20.10).
      User: 'root',
      Labels: LABELS,
      HostConfig: { Binds: [`${this.root}:/m`], NetworkMode: 'none' },
    });
    try {
      return await work(container);
    } finally {
      await container.remove({ force: true }).catch(() => undefined);
    }
  }

  private async anyImage(): Promise<string> {
    const images = (await this.docker.listImages()) as Array<{ RepoTags?: string[] | null }>;
    const image = images.flatMap((i) => i.RepoTags ?? []).find((tag) => tag !== '<none>:<none>');
    if (!image) throw noImage(this.host);
    return image;
  }
}

function noImage(host: string): DeLabError {
  return new DeLabError(
    tr({
      en: `The Docker engine at ${host} holds no image yet, so de-lab cannot carry your files there.`,
      ko: `${host}의 Docker 엔진에 이미지가 아직 없어서 파일을 그쪽으로 옮길 수 없습니다.`,
    }),
    {
      hint: tr({
        en: 'Run `de-lab start <day>` first: it puts the day’s images on that engine.',
        ko: '먼저 `de-lab start <day>`를 실행하세요. 그날의 이미지를 그 엔진에 올립니다.',
      }),
      code: 'E_MIRROR',
    },
  );
}

function header(name: string, stat: Stats, type: 'file' | 'directory') {
  return {
    name,
    type,
    mode: Number(stat.mode) & 0o7777,
    uid: Number(stat.uid),
    gid: Number(stat.gid),
    mtime: stat.mtime,
    ...(type === 'file' ? { size: Number(stat.size) } : {}),
  };
}

/** A Windows path (C:\Users\…) as the engine's POSIX path (/c/Users/…); POSIX paths stay. */
function toPosix(path: string): string {
  const drive = /^([A-Za-z]):[\\/]/.exec(path);
  return drive ? `/${drive[1]!.toLowerCase()}/${path.slice(3).replace(/\\/g, '/')}` : path;
}

const mirrors = new WeakMap<Dockerode, EngineMirror>();

/** The mirror of a learner's engine that does not run on this machine; none for a local engine. */
export function mirrorFor(docker: Dockerode, host: string): EngineMirror | undefined {
  return onThisMachine(host) ? undefined : useMirror(docker, host);
}

/** A mirror for an engine that was found not to see this machine's folders (grade --engines asks). */
export function useMirror(docker: Dockerode, host: string): EngineMirror {
  let mirror = mirrors.get(docker);
  if (!mirror) mirrors.set(docker, (mirror = new EngineMirror(docker, host)));
  return mirror;
}

/** The mirror bound to this client by mirrorFor or useMirror, if any. */
export function mirrorOf(docker: Dockerode | undefined): EngineMirror | undefined {
  return docker ? mirrors.get(docker) : undefined;
}

/** Where the client's engine sees a path of this machine (the same path on a local engine). */
export function enginePath(docker: Dockerode | undefined, hostPath: string): string {
  return mirrorOf(docker)?.path(hostPath) ?? hostPath;
}
