import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { execa } from 'execa';
import { tr } from '../../i18n/lang.js';

/** One line of a repository list: who, and where their work is. */
export interface GitEntry {
  learner: string;
  url: string;
}

/** What collecting one learner's repository gave: a folder at a commit, or git's message. */
export interface Collected {
  learner: string;
  url: string;
  folder?: string;
  commit?: string;
  /** The committer date of `commit` (ISO-8601), the submission time for a late policy. */
  committedAt?: string;
  /** Commits after the deadline (not graded, unless none came before it: see `late`). */
  lateCommits?: number;
  /** No commit came before the deadline and a late policy applies: the newest commit is graded, late. */
  late?: boolean;
  /** Why nothing was collected: git's own message, or a refused line. */
  error?: string;
}

/**
 * Reads a repository list: GitHub Classroom's grades export as is (a CSV whose header has
 * `student_repository_url`; the learner is `roster_identifier`, else `github_username`), or one
 * `learner url` per line (blanks or a comma between; # starts a comment).
 */
export function parseRepoList(text: string): GitEntry[] {
  const body = text.replace(/^\uFEFF/, '');
  const header = body.split(/\r?\n/, 1)[0] ?? '';
  if (/(^|,)"?student_repository_url"?(,|$)/.test(header)) {
    const rows = parse(body, { columns: true, skip_empty_lines: true, trim: true }) as Array<Record<string, string>>;
    return rows
      .map((r) => ({ learner: r.roster_identifier || r.github_username || '', url: r.student_repository_url ?? '' }))
      .filter((e) => e.url !== '' || e.learner !== '');
  }
  return body
    .split(/\r?\n/)
    .map((line) => line.replace(/#.*$/, '').trim())
    .filter((line) => line !== '')
    .map((line) => {
      const [learner = '', url = ''] = line.split(/[\s,]+/);
      return { learner, url };
    });
}

/** A deadline in ISO-8601 with a zone (Z or ±hh:mm), or undefined when the text is not one. */
export function parseDeadline(text: string): Date | undefined {
  const iso = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;
  if (!iso.test(text.trim())) return undefined;
  const date = new Date(
    text
      .trim()
      .replace(' ', 'T')
      .replace(/([+-]\d{2})(\d{2})$/, '$1:$2'),
  );
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** Why a line cannot be collected before git is even asked, or undefined. */
export function entryProblem(entry: GitEntry): string | undefined {
  if (!/^[A-Za-z0-9_@][A-Za-z0-9_.@+-]*$/.test(entry.learner))
    return tr({
      en: `"${entry.learner}" is not a usable learner id (letters, digits, _ . @ + - only, not starting with . or -)`,
      ko: `"${entry.learner}"은(는) 쓸 수 없는 학습자 id입니다(영문자, 숫자, _ . @ + -만, . 또는 -로 시작하지 않음)`,
    });
  if (entry.url === '') return tr({ en: 'no repository URL', ko: '저장소 URL 없음' });
  if (entry.url.startsWith('-') || !/^(https?:\/\/|ssh:\/\/|git:\/\/|file:\/\/|[\w.-]+@[\w.-]+:)/.test(entry.url))
    return tr({
      en: `"${entry.url}" is not an https, ssh, git or file repository URL`,
      ko: `"${entry.url}"은(는) https, ssh, git, file 저장소 URL이 아님`,
    });
  return undefined;
}

/** The newest commit at or before the deadline, and how many came after it (log: newest first). */
export function pickCommit(
  log: Array<{ commit: string; time: number; iso: string }>,
  deadline?: Date,
  acceptLate = false,
): { commit: string; iso: string; late: number; isLate?: boolean } | undefined {
  const limit = deadline ? deadline.getTime() / 1000 : Infinity;
  const newestFirst = [...log].sort((a, b) => b.time - a.time);
  const before = newestFirst.find((c) => c.time <= limit);
  const late = log.filter((c) => c.time > limit).length;
  if (before) return { commit: before.commit, iso: before.iso, late };
  // Nothing on time: with a late policy the newest commit is graded, and its time sets the penalty.
  const newest = newestFirst[0];
  return acceptLate && newest ? { commit: newest.commit, iso: newest.iso, late, isLate: true } : undefined;
}

/** git's own message, short: its fatal/error lines, else its last line. */
export function gitMessage(stderr: string): string {
  const lines = stderr.split(/\r?\n/).filter((l) => l.trim() !== '');
  const fatal = lines.filter((l) => /^(fatal|error):/.test(l));
  return (
    (fatal.length > 0 ? fatal : lines.slice(-1)).join(' ').slice(0, 500) ||
    tr({ en: 'git failed without a message', ko: 'git이 메시지 없이 실패함' })
  );
}

// Plain git with the user's own credentials, never a prompt (no TTY here), and no transport
// that runs commands (ext::): only the protocols named here.
const GIT_ENV = { GIT_TERMINAL_PROMPT: '0', GIT_ALLOW_PROTOCOL: 'https:http:ssh:git:file', LC_ALL: 'C' };
const git = (args: string[], cwd?: string) =>
  execa('git', args, { cwd, reject: false, env: GIT_ENV, stdin: 'ignore', timeout: 10 * 60_000 });

/**
 * Clones one repository into a fresh folder and checks out the last commit at or before the
 * deadline. Blobless where the server allows (history without file contents; the checkout
 * fetches only the files of that commit), depth 1 when there is no deadline.
 */
async function cloneAt(
  entry: GitEntry,
  dest: string,
  deadline?: Date,
  acceptLate = false,
): Promise<Omit<Collected, 'learner' | 'url'>> {
  const shallow = deadline ? ['--filter=blob:none'] : ['--depth=1'];
  const clone = await git(['clone', '--quiet', '--no-checkout', ...shallow, '--', entry.url, dest]);
  if (clone.exitCode !== 0) return { error: gitMessage(String(clone.stderr)) };
  const log = await git(['log', '--format=%H%x09%ct%x09%cI', 'HEAD'], dest);
  if (log.exitCode !== 0) return { error: gitMessage(String(log.stderr)) };
  const commits = String(log.stdout)
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split('\t'))
    .map(([commit = '', time = '0', iso = '']) => ({ commit, time: Number(time), iso }));
  const picked = pickCommit(commits, deadline, acceptLate);
  if (!picked)
    return {
      error:
        commits.length === 0
          ? tr({ en: 'the repository has no commit', ko: '저장소에 커밋이 없음' })
          : tr({
              en: `no commit at or before ${deadline?.toISOString()}`,
              ko: `${deadline?.toISOString()} 이전의 커밋이 없음`,
            }),
      lateCommits: commits.length,
    };
  const checkout = await git(
    ['-c', 'advice.detachedHead=false', 'checkout', '--quiet', '--detach', picked.commit],
    dest,
  );
  if (checkout.exitCode !== 0) return { error: gitMessage(String(checkout.stderr)) };
  rmSync(join(dest, '.git'), { recursive: true, force: true });
  return {
    commit: picked.commit,
    committedAt: picked.iso,
    lateCommits: picked.late,
    ...(picked.isLate ? { late: true } : {}),
  };
}

/**
 * Collects every learner's repository into `folder/<learner>` (one after the other). A folder
 * already there stays when it holds the same commit (`folder/.commits.json`), else it is moved to
 * `folder/.previous/` first, never deleted. A line that cannot be
 * collected gets git's message in `error` and the rest go on.
 */
export async function collectFromGit(
  entries: GitEntry[],
  options: { deadline?: Date; folder: string; acceptLate?: boolean },
): Promise<Collected[]> {
  mkdirSync(options.folder, { recursive: true });
  const record = join(options.folder, '.commits.json');
  const before = (existsSync(record) ? JSON.parse(readFileSync(record, 'utf8')) : {}) as Record<string, string>;
  const seen = new Set<string>();
  const out: Collected[] = [];
  for (const entry of entries) {
    const problem = seen.has(entry.learner)
      ? tr({ en: `${entry.learner} is listed twice`, ko: `${entry.learner}이(가) 두 번 나옴` })
      : entryProblem(entry);
    seen.add(entry.learner);
    if (problem) {
      out.push({ ...entry, error: problem });
      continue;
    }
    const work = mkdtempSync(join(options.folder, '.clone-'));
    try {
      const result = await cloneAt(entry, join(work, 'repo'), options.deadline, options.acceptLate);
      if (result.error) {
        out.push({ ...entry, ...result });
        continue;
      }
      const dest = join(options.folder, entry.learner);
      // The same commit as last time: keep that folder as it is, so --resume sees it unchanged.
      if (existsSync(dest) && before[entry.learner] === result.commit) {
        out.push({ ...entry, ...result, folder: dest });
        continue;
      }
      if (existsSync(dest)) {
        mkdirSync(join(options.folder, '.previous'), { recursive: true });
        renameSync(
          dest,
          join(options.folder, '.previous', `${entry.learner}-${new Date().toISOString().replace(/:/g, '-')}`),
        );
      }
      renameSync(join(work, 'repo'), dest);
      out.push({ ...entry, ...result, folder: dest });
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  const commits = Object.fromEntries(out.filter((c) => c.folder).map((c) => [c.learner, c.commit]));
  writeFileSync(record, JSON.stringify({ ...before, ...commits }, null, 2) + '\n');
  return out;
}
