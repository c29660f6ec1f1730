import { DateTime } from 'luxon';
import { tr } from '../../i18n/lang.js';
import type { Deadline, LatePolicy } from './class-file.js';
import { round } from './model.js';

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

const WITH_ZONE = /\d{2}:\d{2}(:\d{2}(\.\d+)?)?\s*(Z|[+-]\d{2}(:?\d{2})?)$/i;

/** A deadline from class.yaml, or the sentence that says what is wrong with it. */
export function parseDeadline(value: string | { at: string; zone: string }): Deadline | string {
  if (typeof value === 'string') {
    if (!WITH_ZONE.test(value.trim()))
      return tr({
        en: `the deadline "${value}" has no time zone: write it as 2026-03-02T23:59:00+09:00 or as { at: "2026-03-02 23:59", zone: Asia/Seoul }`,
        ko: `마감 "${value}"에 시간대가 없습니다. 2026-03-02T23:59:00+09:00 또는 { at: "2026-03-02 23:59", zone: Asia/Seoul }로 쓰세요`,
      });
    const at = DateTime.fromISO(value.trim().replace(' ', 'T'), { setZone: true });
    if (!at.isValid)
      return tr({
        en: `"${value}" is not a date and time (ISO 8601, e.g. 2026-03-02T23:59:00+09:00)`,
        ko: `"${value}"은(는) 날짜와 시각이 아닙니다(ISO 8601, 예: 2026-03-02T23:59:00+09:00)`,
      });
    return { at: at.toISO()!, zone: at.zoneName! };
  }
  if (WITH_ZONE.test(value.at.trim()))
    return tr({
      en: `"${value.at}" has an offset and a zone: give one of them`,
      ko: `"${value.at}"에 오프셋과 시간대가 모두 있습니다. 하나만 주세요`,
    });
  const at = DateTime.fromISO(value.at.trim().replace(' ', 'T'), { zone: value.zone });
  if (!at.isValid)
    return tr({
      en: `"${value.at}" is not a date and time (e.g. 2026-03-02 23:59)`,
      ko: `"${value.at}"은(는) 날짜와 시각이 아닙니다(예: 2026-03-02 23:59)`,
    });
  return { at: at.toISO()!, zone: value.zone };
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
