import { DateTime } from 'luxon';
import { tr } from '../../i18n/lang.js';
import type { LatePolicy } from './class-file.js';
import type { Deadline } from './deadline.js';

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

/** Where the submission time came from: the newest entry of the archive or folder, or a commit. */
export type SubmittedFrom = 'archive' | 'folder' | 'commit';

/**
 * When a learner submitted. The archive reader fills it from the newest entry; a collector that
 * knows better (a git commit's time) sets it on the Submission before grading.
 */
export interface SubmittedAt {
  at: string;
  from: SubmittedFrom;
}

/** How late a submission was and what that costs, as stored in results.json. */
export interface Lateness {
  submittedAt: string;
  from: SubmittedFrom;
  deadline: string;
  zone: string;
  lateSeconds: number;
  /** Started days late, counted in the deadline's time zone (a day across a DST change is 23 or 25 hours). */
  daysLate: number;
  /** Percent of the score taken off (0 when on time or waived). */
  percent: number;
  /** The reason of the waiver that set the percent to 0. */
  waiver?: string;
}

/** Started days between the deadline and the submission, in the deadline's zone (0 when on time). */
export function daysLate(deadline: Deadline, submittedAt: string): number {
  const due = DateTime.fromISO(deadline.at, { zone: deadline.zone });
  const sent = DateTime.fromISO(submittedAt, { zone: deadline.zone });
  if (sent <= due) return 0;
  return Math.max(1, Math.ceil(sent.diff(due, 'days').days - 1e-9));
}

/** The lateness of one learner's submission for one day under the class's policy. */
export function lateness(input: {
  learner: string;
  day: string;
  deadline: Deadline;
  submitted: SubmittedAt;
  policy?: LatePolicy;
}): Lateness {
  const { deadline, submitted, policy } = input;
  const days = daysLate(deadline, submitted.at);
  const lateSeconds = Math.max(
    0,
    Math.round((DateTime.fromISO(submitted.at).toMillis() - DateTime.fromISO(deadline.at).toMillis()) / 1000),
  );
  const rule = policy?.days?.[input.day] ?? policy;
  let percent = 0;
  if (days > 0 && rule) {
    const raw = rule.flat !== undefined ? rule.flat : (rule.perDay ?? 0) * days;
    percent = Math.min(policy?.cap ?? 100, raw);
  }
  const waiver = policy?.waivers.find(
    (w) => w.learner === input.learner && (w.day === undefined || w.day === input.day),
  );
  const result: Lateness = {
    submittedAt: submitted.at,
    from: submitted.from,
    deadline: deadline.at,
    zone: deadline.zone,
    lateSeconds,
    daysLate: days,
    percent: waiver && days > 0 ? 0 : percent,
  };
  if (waiver && days > 0) result.waiver = waiver.reason;
  return result;
}

/** Points taken off a raw score for a late percentage. */
export function penaltyPoints(raw: number, percent: number): number {
  return round((raw * percent) / 100);
}

export { parseDeadline } from './deadline.js';
