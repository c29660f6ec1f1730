import { josa } from '../../i18n/josa.js';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, lstatSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DeLabError, EXIT } from '../../core/errors.js';
import { tr } from '../../i18n/lang.js';
import { printable, type SubmissionFormat } from './archive.js';
import type { SubmittedAt } from './late.js';

export interface Submission {
  /** The learner id: the file or folder name without its extension. */
  learner: string;
  /** Names of this learner's images, topics, containers and compose projects: l-<slug>. */
  role: string;
  /** File or folder name inside the submissions folder. */
  file: string;
  path: string;
  format: SubmissionFormat;
  /** Set when the entry cannot be graded at all (unknown format, duplicate id). */
  problem?: string;
  /** When it was submitted, if the collector knows (a git commit's time); else the newest entry's time is used. */
  submittedAt?: SubmittedAt;
}

const FORMATS: Array<[RegExp, SubmissionFormat]> = [
  [/\.zip$/i, 'zip'],
  [/\.tar\.gz$/i, 'tar.gz'],
  [/\.tgz$/i, 'tar.gz'],
];

/**
 * The role name of a learner: `l-` and the id in lowercase letters, digits and dashes. When that
 * had to change the id (case, other characters, length), a short hash of the id is added, so two
 * ids never share a role and the role of an id never depends on who else submitted.
 */
export function roleOf(learner: string): string {
  const clean = learner
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const short = clean.slice(0, 24).replace(/-+$/g, '');
  if (short !== '' && short === learner) return `l-${short}`;
  const hash = createHash('sha256').update(learner).digest('hex').slice(0, 6);
  return `l-${short === '' ? 'x' : short}-${hash}`;
}

/** The submissions in a folder, sorted by learner id. Hidden entries are ignored. */
export function findSubmissions(dir: string): Submission[] {
  requireSubmissionsFolder(dir);
  const found: Submission[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('.')) continue;
    const path = join(dir, name);
    const stats = lstatSync(path);
    let format: SubmissionFormat | undefined;
    let learner = name;
    let problem: string | undefined;
    if (stats.isDirectory()) format = 'folder';
    else if (stats.isFile()) {
      const match = FORMATS.find(([pattern]) => pattern.test(name));
      if (match) {
        format = match[1];
        learner = name.replace(match[0], '');
      } else {
        learner = name.replace(/\.[^.]*$/, '') || name;
        problem = tr({
          en: `${printable(name)} is not a folder, .zip or .tar.gz`,
          ko: `${josa(printable(name), '은/는')} 폴더, .zip, .tar.gz가 아님`,
        });
      }
    } else {
      problem = tr({
        en: `${printable(name)} is a ${stats.isSymbolicLink() ? 'symbolic link' : 'special file'}, not a folder or archive`,
        ko: `${josa(printable(name), '은/는')} 폴더나 압축 파일이 아닌 ${stats.isSymbolicLink() ? '심볼릭 링크' : '특수 파일'}임`,
      });
    }
    if (learner === '') learner = name;
    found.push({ learner, role: roleOf(learner), file: name, path, format: format ?? 'folder', problem });
  }
  // Two entries for one learner (alice.zip and alice/): grading either would be a guess.
  const byLearner = new Map<string, Submission[]>();
  for (const submission of found)
    byLearner.set(submission.learner, [...(byLearner.get(submission.learner) ?? []), submission]);
  const result: Submission[] = [];
  for (const [learner, list] of byLearner) {
    if (list.length === 1) result.push(list[0]!);
    else {
      result.push({
        ...list[0]!,
        problem: tr({
          en: `several submissions for ${printable(learner)}: ${list.map((s) => printable(s.file)).join(', ')}`,
          ko: `${printable(learner)}의 제출물이 여러 개: ${list.map((s) => printable(s.file)).join(', ')}`,
        }),
      });
    }
  }
  return result.sort((a, b) => (a.learner < b.learner ? -1 : a.learner > b.learner ? 1 : 0));
}

/**
 * What identifies this version of a submission, to skip it on --resume: the archive's bytes, or
 * a folder's names, kinds, sizes and modification times (its links are not followed).
 */
export async function fingerprint(submission: Submission): Promise<string> {
  const hash = createHash('sha256');
  if (!existsSync(submission.path)) return 'missing';
  const stats = lstatSync(submission.path);
  if (stats.isFile()) {
    for await (const chunk of createReadStream(submission.path)) hash.update(chunk as Buffer);
    return `sha256:${hash.digest('hex')}`;
  }
  if (!stats.isDirectory()) return 'special';
  let seen = 0;
  const walk = (dir: string, rel: string) => {
    for (const name of readdirSync(dir).sort()) {
      if (++seen > 100_000) return;
      const child = join(dir, name);
      const s = lstatSync(child);
      hash.update(
        `${rel}/${name}\u0000${s.isDirectory() ? 'd' : s.isSymbolicLink() ? 'l' : 'f'}\u0000${s.size}\u0000${Math.trunc(s.mtimeMs)}\n`,
      );
      if (s.isDirectory()) walk(child, `${rel}/${name}`);
    }
  };
  walk(submission.path, '');
  return `tree:${hash.digest('hex')}`;
}

export type Layout = 'day-folder' | 'exercises-at-top' | 'wrapped-day-folder' | 'wrapped-exercises' | 'none';

/**
 * Where the day's exercise folders are in an unpacked submission: `<day>/<exercise>/`, the
 * exercise folders at the top, or either of those inside one wrapping folder.
 */
export function detectLayout(
  root: string,
  day: string,
  exercises: string[],
): { base: string; layout: Layout; found: string[] } {
  const dirs = (dir: string) =>
    existsSync(dir)
      ? readdirSync(dir, { withFileTypes: true })
          .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
          .map((e) => e.name)
      : [];
  const present = (dir: string) => exercises.filter((id) => dirs(dir).includes(id));
  const visible = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((name) => !name.startsWith('.')) : []);
  const attempt = (dir: string, wrapped: boolean): { base: string; layout: Layout; found: string[] } | undefined => {
    if (dirs(dir).includes(day))
      return {
        base: join(dir, day),
        layout: wrapped ? 'wrapped-day-folder' : 'day-folder',
        found: present(join(dir, day)),
      };
    if (present(dir).length > 0)
      return { base: dir, layout: wrapped ? 'wrapped-exercises' : 'exercises-at-top', found: present(dir) };
    return undefined;
  };
  const top = attempt(root, false);
  if (top) return top;
  const entries = visible(root);
  if (entries.length === 1 && dirs(root).length === 1) {
    const wrapped = attempt(join(root, dirs(root)[0]!), true);
    if (wrapped) return wrapped;
  }
  return { base: root, layout: 'none', found: [] };
}

/** Refuses a submissions folder that is not there, before anything else is checked or started. */
export function requireSubmissionsFolder(dir: string): void {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new DeLabError(
      tr({ en: `The submissions folder ${dir} does not exist.`, ko: `제출물 폴더 ${dir}이(가) 없습니다.` }),
      {
        hint: tr({
          en: 'Pass --submissions DIR: a folder with one folder, .zip or .tar.gz per learner.',
          ko: '--submissions DIR로 학습자마다 폴더, .zip 또는 .tar.gz가 하나씩 든 폴더를 지정하세요.',
        }),
        code: 'E_NO_SUBMISSIONS',
        exitCode: EXIT.usage,
      },
    );
  }
}
