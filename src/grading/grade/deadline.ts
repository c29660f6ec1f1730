import { DateTime } from 'luxon';
import { tr } from '../../i18n/lang.js';

/** A deadline as an instant and the zone its days are counted in. */
export interface Deadline {
  at: string;
  zone: string;
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
