import { josa } from '../../i18n/josa.js';
import { DeLabError, EXIT } from '../../core/errors.js';
import { tr } from '../../i18n/lang.js';
import { courseSeed } from '../../course/seed.js';
import { MiB } from './archive.js';
import type { LearnerResult } from './model.js';
import type { RunMeta } from './store.js';
import type { Submission } from './submissions.js';

/**
 * Which seed this run uses. A folder that already holds results is continued (--resume) or
 * patched (--only) with the seed it was graded with, so one results.json never mixes seeds;
 * without either flag it is refused rather than silently overwritten.
 */
export function resolveSeed(input: {
  day: string;
  requested?: number;
  meta?: RunMeta;
  hasResults: boolean;
  resume: boolean;
  only?: string;
  out: string;
}): number {
  const { meta } = input;
  if (input.hasResults && !input.resume && !input.only) {
    throw new DeLabError(
      tr({
        en: `${input.out} already holds the results of a grading run.`,
        ko: `${input.out}에 이미 채점 결과가 있습니다.`,
      }),
      {
        hint: tr({
          en: 'Continue it with --resume, regrade one learner with --only <learner>, or choose an empty folder with --out.',
          ko: '--resume으로 이어서 하거나, --only <learner>로 한 명만 다시 채점하거나, --out으로 빈 폴더를 고르세요.',
        }),
        code: 'E_GRADE_EXISTS',
        exitCode: EXIT.usage,
      },
    );
  }
  if (meta && input.hasResults) {
    if (meta.day !== input.day) {
      throw new DeLabError(
        tr({
          en: `${input.out} holds results of ${meta.day}, not ${input.day}.`,
          ko: `${input.out}에는 ${josa(input.day, '이/가')} 아닌 ${meta.day}의 결과가 있습니다.`,
        }),
        {
          hint: tr({ en: 'Choose another folder with --out.', ko: '--out으로 다른 폴더를 고르세요.' }),
          code: 'E_GRADE_EXISTS',
          exitCode: EXIT.usage,
        },
      );
    }
    if (input.requested !== undefined && input.requested !== meta.seed) {
      throw new DeLabError(
        tr({
          en: `${input.out} was graded with another seed than the one given.`,
          ko: `${josa(input.out, '은/는')} 지정한 것과 다른 시드로 채점되었습니다.`,
        }),
        {
          hint: tr({
            en: "Leave out --seed to keep the folder's seed, or grade into another folder with --out.",
            ko: '--seed를 빼서 폴더의 시드를 쓰거나, --out으로 다른 폴더에 채점하세요.',
          }),
          code: 'E_GRADE_SEED',
          exitCode: EXIT.usage,
        },
      );
    }
    return meta.seed;
  }
  return input.requested ?? courseSeed();
}

export interface Plan {
  todo: Submission[];
  /** Learners whose stored result stands (--resume), or who are not the --only one. */
  kept: Submission[];
}

/**
 * --only grades that learner alone; --resume skips every learner whose stored result is final
 * (graded or rejected, not a grader error) for the same seed and the same submission bytes;
 * otherwise everyone is graded.
 */
export function planRun(input: {
  submissions: Submission[];
  stored: Map<string, LearnerResult>;
  fingerprints: Map<string, string>;
  seed: number;
  resume: boolean;
  only?: string;
}): Plan {
  if (input.only !== undefined) {
    const match = input.submissions.find((s) => s.learner === input.only);
    if (!match) {
      const ids = input.submissions.map((s) => s.learner);
      throw new DeLabError(
        tr({ en: `There is no submission of "${input.only}".`, ko: `"${input.only}"의 제출물이 없습니다.` }),
        {
          hint: ids.length
            ? tr({
                en: `Learners: ${ids.slice(0, 20).join(', ')}${ids.length > 20 ? ', …' : ''}.`,
                ko: `학습자: ${ids.slice(0, 20).join(', ')}${ids.length > 20 ? ', …' : ''}.`,
              })
            : tr({ en: 'The submissions folder is empty.', ko: '제출물 폴더가 비어 있습니다.' }),
          code: 'E_USAGE',
          exitCode: EXIT.usage,
        },
      );
    }
    return { todo: [match], kept: input.submissions.filter((s) => s !== match) };
  }
  if (!input.resume) return { todo: [...input.submissions], kept: [] };
  const done = (s: Submission) => {
    const stored = input.stored.get(s.role);
    return (
      stored !== undefined &&
      stored.status !== 'error' &&
      stored.seed === input.seed &&
      stored.learner === s.learner &&
      stored.submission.fingerprint === input.fingerprints.get(s.role)
    );
  };
  return { todo: input.submissions.filter((s) => !done(s)), kept: input.submissions.filter(done) };
}

/**
 * How many learners may be graded at once: as asked, but never more than the engine's memory
 * holds (each needs the day's stack plus one limited grading container), and at least one.
 */
export function capParallel(
  requested: number,
  engineMemoryBytes: number,
  labMemoryMiB: number,
  containerMemoryBytes: number,
): { parallel: number; cap: number; perLearnerBytes: number } {
  const perLearnerBytes = labMemoryMiB * MiB + containerMemoryBytes;
  const usable = engineMemoryBytes > 0 ? engineMemoryBytes * 0.8 : perLearnerBytes;
  const cap = Math.max(1, Math.floor(usable / perLearnerBytes));
  return { parallel: Math.max(1, Math.min(Math.floor(requested) || 1, cap)), cap, perLearnerBytes };
}

/** Seconds left, from the mean time of the learners done so far in this run. */
export function etaSeconds(doneSeconds: number[], remaining: number, parallel: number): number | undefined {
  if (doneSeconds.length === 0) return undefined;
  const mean = doneSeconds.reduce((a, b) => a + b, 0) / doneSeconds.length;
  return Math.round((mean * remaining) / Math.max(1, parallel));
}
