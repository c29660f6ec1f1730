import type { ClassFile } from '../../grading/grade/class-file.js';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Collected } from '../../grading/grade/git-submissions.js';
import { writeFileAtomic } from '../../course/atomic.js';
import { tr } from '../../i18n/lang.js';
import { style } from '../../ui/style.js';
import { usageError, type Context } from '../context.js';

/** The folder to grade: --submissions itself, or, when it is a file of repositories, their clones in OUT/submissions. */
export async function submissionsFrom(
  ctx: Context,
  options: { submissions?: string; deadline?: string },
  out: string,
  /**
   * class.yaml and the day: the day's deadline (used for a repository list when --deadline is not given),
   * and whether a late policy applies (then a repository with no commit before the deadline is
   * graded at its newest commit, late, instead of not collected).
   */
  classFile?: ClassFile,
  day?: string,
): Promise<{ dir: string; collected?: Collected[]; submittedAt?: Record<string, string> }> {
  const klass = {
    deadline: day ? classFile?.deadlines[day]?.at : undefined,
    latePolicy: classFile?.late !== undefined,
  };
  if (options.submissions === undefined)
    throw usageError(
      tr({
        en: 'Say what to grade with --submissions: a folder of submissions or a file of repositories.',
        ko: '--submissions로 채점할 대상(제출물 폴더 또는 저장소 목록 파일)을 지정하세요.',
      }),
      'de-lab grade day1 --submissions ./submissions',
    );
  const { parseDeadline, parseRepoList, collectFromGit } = await import('../../grading/grade/git-submissions.js');
  const isList = existsSync(options.submissions) && statSync(options.submissions).isFile();
  const given = options.deadline ?? (isList ? klass.deadline : undefined);
  const deadline = given === undefined ? undefined : parseDeadline(given);
  if (given !== undefined && !deadline)
    throw usageError(
      tr({
        en: `--deadline must be an ISO-8601 time with its zone, like 2026-03-06T18:00:00+09:00, not "${options.deadline}".`,
        ko: `--deadline은 2026-03-06T18:00:00+09:00처럼 시간대를 포함한 ISO-8601 시각이어야 합니다("${options.deadline}" 아님).`,
      }),
      'de-lab grade day1 --submissions repos.txt --deadline 2026-03-06T18:00:00+09:00',
    );
  if (!existsSync(options.submissions) || !statSync(options.submissions).isFile()) {
    if (deadline)
      throw usageError(
        tr({
          en: '--deadline applies to a list of repositories only: pass --submissions repos.txt.',
          ko: '--deadline은 저장소 목록에만 쓸 수 있습니다. --submissions repos.txt를 지정하세요.',
        }),
        'de-lab grade day1 --submissions repos.txt --deadline 2026-03-06T18:00:00+09:00',
      );
    // A missing folder is said first, before the engines are asked (grade --engines).
    (await import('../../grading/grade/submissions.js')).requireSubmissionsFolder(options.submissions);
    return { dir: options.submissions };
  }
  const entries = parseRepoList(readFileSync(options.submissions, 'utf8'));
  const dir = join(out, 'submissions');
  if (!ctx.json) ctx.err(style.dim(`cloning ${entries.length} repositories into ${dir}…`));
  const collected = await collectFromGit(entries, { deadline, folder: dir, acceptLate: klass.latePolicy === true });
  writeFileAtomic(
    join(out, 'collected.json'),
    JSON.stringify({ deadline: deadline?.toISOString(), collected }, null, 2) + '\n',
  );
  for (const c of collected.filter((c) => c.error))
    ctx.err(
      style.warn(
        tr({
          en: `not collected: ${c.learner} (${c.url}): ${c.error}`,
          ko: `가져오지 못함: ${c.learner} (${c.url}): ${c.error}`,
        }),
      ),
    );
  // The commit's time is the submission's time (for the late policy), never the files' times.
  const submittedAt = Object.fromEntries(
    collected.filter((c) => c.folder && c.committedAt).map((c) => [c.learner, c.committedAt!]),
  );
  return { dir, collected, submittedAt };
}
