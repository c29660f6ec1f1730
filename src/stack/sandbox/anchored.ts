import {
  closeSync,
  constants,
  existsSync,
  fchmodSync,
  fchownSync,
  fstatSync,
  lchownSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmdirSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, isAbsolute, join, relative, sep } from 'node:path';

/**
 * File work in folders that containers can write, without ever following a link they planted.
 *
 * A container's code can replace any folder it can write with a symbolic link to a host path,
 * at any moment. de-lab, running on the host (often as root), must then never resolve a path
 * through such a folder: a copy, a removal or a read would land on the host's own files. So
 * every operation here starts from a directory opened with O_NOFOLLOW and goes one name at a
 * time through /proc/self/fd/N, the kernel's handle of that directory: a link or a rename put
 * in its place afterwards changes nothing, and a name that is a link is never entered (a link
 * is removed as a link, and a file is never opened through one).
 *
 * Where /proc/self/fd is missing (not Linux), names are still checked one at a time with lstat,
 * which refuses planted links but not one swapped in between the check and the use.
 */
const FD_DIR = '/proc/self/fd';
const anchoredByFd = existsSync(FD_DIR);
const DIR_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;

/** `path` is `root` or under it (a name like `..data` is inside; only `..` itself or `../…` climbs out). */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** A name that is a link (or not a folder) where a folder of de-lab's was expected. */
export class LinkRefused extends Error {}

function checkName(name: string): void {
  if (!name || name === '.' || name === '..' || name.includes('/') || name.includes(sep))
    throw new Error(`not a plain name: ${name}`);
}

export class AnchoredDir {
  private constructor(
    private readonly fd: number,
    /** The folder's path as opened, for messages and for work outside this module. */
    readonly shownPath: string,
  ) {}

  /** Opens a folder de-lab trusts (its own, not one a container can replace), never through a final link. */
  static open(path: string): AnchoredDir {
    try {
      return new AnchoredDir(openSync(path, DIR_FLAGS), path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ELOOP' || code === 'ENOTDIR') throw new LinkRefused(`${path} is a link or not a folder`);
      throw error;
    }
  }

  /** The path that names this very folder, whatever was renamed or linked since it was opened. */
  get path(): string {
    return anchoredByFd ? `${FD_DIR}/${this.fd}` : this.shownPath;
  }

  private at(name: string): string {
    checkName(name);
    return `${this.path}/${name}`;
  }

  close(): void {
    closeSync(this.fd);
  }

  /** lstat of an entry (undefined when there is none): a link is seen as a link. */
  entry(name: string) {
    return lstatSync(this.at(name), { throwIfNoEntry: false });
  }

  /** A sub-folder, opened without following a link; LinkRefused when the name is a link or a file. */
  child(name: string): AnchoredDir {
    try {
      return new AnchoredDir(openSync(this.at(name), DIR_FLAGS), join(this.shownPath, name));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ELOOP' || code === 'ENOTDIR')
        throw new LinkRefused(`${join(this.shownPath, name)} is a link or not a folder`);
      throw error;
    }
  }

  /** Makes a sub-folder (mkdir never follows a link in the last name) and opens it, with exactly `mode`. */
  mkdirChild(name: string, mode = 0o777): AnchoredDir {
    mkdirSync(this.at(name), { mode });
    const dir = this.child(name);
    dir.chmod(mode);
    return dir;
  }

  /** Opens the sub-folder path `rel` (a/b/c), making what is missing; a link on the way is refused. */
  ensurePath(rel: string, mode = 0o777): AnchoredDir {
    let dir: AnchoredDir = this.again();
    for (const name of rel.split('/').filter((part) => part && part !== '.')) {
      let next: AnchoredDir;
      try {
        next = dir.entry(name) ? dir.child(name) : dir.mkdirChild(name, mode);
      } finally {
        dir.close();
      }
      dir = next;
    }
    return dir;
  }

  /** A second handle of this folder (closed on its own). */
  again(): AnchoredDir {
    return new AnchoredDir(openSync(`${this.path}/.`, DIR_FLAGS), this.shownPath);
  }

  /** Where this folder really is, as the kernel knows it (its path as opened, where that cannot be asked). */
  realPath(): string {
    return anchoredByFd ? readlinkSync(this.path) : realpathSync.native(this.shownPath);
  }

  stat() {
    return fstatSync(this.fd);
  }

  /** Sets a regular file's mode through a handle of its own (never through a link: O_NOFOLLOW). */
  chmodFile(name: string, mode: number): void {
    let fd: number;
    try {
      fd = openSync(this.at(name), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    } catch {
      return; // gone, or swapped for a link meanwhile
    }
    try {
      if (fstatSync(fd).isFile()) fchmodSync(fd, mode);
    } finally {
      closeSync(fd);
    }
  }

  /** Sets the folder's own mode, through its handle (umask does not apply, no link is followed). */
  chmod(mode: number): void {
    fchmodSync(this.fd, mode);
  }

  /** Writes a new file (O_EXCL: never an existing name, never through a link). */
  writeNew(name: string, data: Buffer | string, mode = 0o666): void {
    const fd = openSync(
      this.at(name),
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
      mode,
    );
    try {
      const bytes = typeof data === 'string' ? Buffer.from(data) : data;
      let done = 0;
      while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
      fchmodSync(fd, mode);
    } finally {
      closeSync(fd);
    }
  }

  /** Copies a tree de-lab trusts (a lab's starter/) into this folder: regular files and folders only. */
  copyTreeFrom(source: string): void {
    for (const name of readdirSync(source)) {
      const from = join(source, name);
      const stats = lstatSync(from);
      if (stats.isDirectory()) {
        const sub = this.entry(name) ? this.child(name) : this.mkdirChild(name);
        try {
          sub.copyTreeFrom(from);
        } finally {
          sub.close();
        }
      } else if (stats.isFile()) {
        if (this.entry(name)) this.remove(name);
        this.writeNew(name, readFileSync(from), stats.mode & 0o777);
      }
    }
  }

  /**
   * Removes an entry and all under it without following a link: a link is unlinked, a folder is
   * opened by handle, emptied and removed. Something a process keeps writing into is tried again a
   * few times; what still resists is left (returns false).
   */
  remove(name: string): boolean {
    const stats = this.entry(name);
    if (!stats) return true;
    if (!stats.isDirectory()) {
      unlinkSync(this.at(name));
      return true;
    }
    for (let attempt = 0; attempt < 5; attempt++) {
      let sub: AnchoredDir;
      try {
        sub = this.child(name);
      } catch (error) {
        if (error instanceof LinkRefused) {
          // A folder swapped for a link since the lstat: remove the link itself.
          unlinkSync(this.at(name));
          return true;
        }
        throw error;
      }
      let emptied: boolean;
      try {
        emptied = sub.empty();
      } finally {
        sub.close();
      }
      try {
        if (emptied) {
          rmdirSync(this.at(name));
          return true;
        }
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') return true;
        if (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'ENOTDIR') throw error;
        if (code === 'ENOTDIR') {
          unlinkSync(this.at(name));
          return true;
        }
      }
    }
    return false;
  }

  /** Removes everything in this folder (see remove); false when something resisted. */
  empty(): boolean {
    let all = true;
    for (const name of readdirSync(this.path)) {
      try {
        if (!this.remove(name)) all = false;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    return all;
  }

  /**
   * Gives this folder and everything under it to `uid`:`gid`, without following a link: a folder
   * is changed through its handle, anything else by lchown (a link is changed as a link). Names for which `skip` says true are left as they are. Returns how many changed.
   */
  chownTree(uid: number, gid: number, skip: (name: string) => boolean = () => false): number {
    let changed = 0;
    const stats = this.stat();
    if (stats.uid !== uid || stats.gid !== gid) {
      fchownSync(this.fd, uid, gid);
      changed += 1;
    }
    for (const name of readdirSync(this.path)) {
      if (skip(name)) continue;
      const entry = this.entry(name);
      if (!entry || (entry.uid === uid && entry.gid === gid && !entry.isDirectory())) continue;
      try {
        changed += this.chownEntry(name, entry.isDirectory(), uid, gid);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error; // gone meanwhile
      }
    }
    return changed;
  }

  /** lchown never follows the last name: a file, a link (as a link) or a FIFO is changed itself. */
  private chownEntry(name: string, isDir: boolean, uid: number, gid: number): number {
    if (isDir) {
      let sub: AnchoredDir | undefined;
      try {
        sub = this.child(name);
      } catch (error) {
        if (!(error instanceof LinkRefused)) throw error; // else: swapped for a link since the lstat
      }
      if (sub)
        try {
          return sub.chownTree(uid, gid);
        } finally {
          sub.close();
        }
    }
    lchownSync(this.at(name), uid, gid);
    return 1;
  }

  /** Moves an entry into another folder on the same file system (the entry itself, a link as a link). */
  moveTo(name: string, target: AnchoredDir, as: string): void {
    renameSync(this.at(name), `${target.path}/${(checkName(as), as)}`);
  }
}

/** Opens `rel` under the trusted folder `root`, one name at a time, refusing a link anywhere on the way. */
export function openInside(root: string, rel: string): AnchoredDir {
  const top = AnchoredDir.open(root);
  if (!rel || rel === '.') return top;
  let dir = top;
  try {
    for (const name of rel.split('/').filter((part) => part && part !== '.')) {
      const next = dir.child(name);
      dir.close();
      dir = next;
    }
    return dir;
  } catch (error) {
    dir.close();
    throw error;
  }
}

/**
 * Reads a regular file under `root` (a folder containers may write) without following a link at
 * its last name, and refuses it unless the opened file really lies inside `root`: the kernel says
 * where the open file is (/proc/self/fd), so a link planted earlier on the path leads nowhere.
 * Undefined when the file is not there; an Error with a reason when it is refused or too large.
 */
export function readContained(root: string, path: string, maxBytes: number): Buffer | undefined {
  const fd = openContained(root, path);
  if (fd === undefined) return undefined;
  try {
    const stats = fstatSync(fd);
    if (stats.size > maxBytes) throw new Error(`${basename(path)} is larger than ${Math.round(maxBytes / 1024)} KiB`);
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The real paths of folders de-lab made and checked (scratch copies), as the kernel gave them when they were made. */
const trustedRoots = new Map<string, string>();

/** Remembers where a folder de-lab just made really is, so later reads compare with that and not with a path a link may have changed. */
export function trustRoot(path: string, real: string): void {
  trustedRoots.set(path, real);
}

export function forgetRoot(path: string): void {
  trustedRoots.delete(path);
}

function realRoot(root: string): string {
  return trustedRoots.get(root) ?? realpathSync.native(root);
}

/**
 * Opens a regular file under `root` for reading (see readContained) and returns its descriptor,
 * or undefined when there is no such file.
 */
export function openContained(root: string, path: string): number | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    if (code === 'ELOOP') throw new LinkRefused(`${basename(path)} is a symbolic link; only regular files are read`);
    throw error;
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new Error(`${basename(path)} is not a regular file`);
    if (anchoredByFd && !isInside(realRoot(root), readlinkSync(`${FD_DIR}/${fd}`)))
      throw new LinkRefused(`${basename(path)} lies outside the graded folder (a link on its path); it is not read`);
    return fd;
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}
