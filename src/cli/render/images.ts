import type { BundleManifest } from '../../images/bundle.js';
import { tr } from '../../i18n/lang.js';
import { describeCheck, type SourceCheck } from '../../images/sources.js';
import { marks, style, table } from '../../ui/style.js';

/** Megabytes, or `-` when the size is not known. */
export function mb(bytes?: number): string {
  return bytes === undefined ? '-' : `${Math.round(bytes / 1e6)} MB`;
}

/** `images list`: one row per image. */
export function imageTable(
  images: Array<{ name: string; tag: string; present: boolean; sizeBytes?: number; sources: string[]; days: string[] }>,
): string {
  return table([
    ['IMAGE', 'TAG', 'STATE', 'SIZE', 'SOURCES', 'DAYS'].map(style.bold),
    ...images.map((i) => [
      i.name,
      i.tag,
      i.present ? style.ok('present') : style.warn('missing'),
      mb(i.sizeBytes),
      i.sources.join(', '),
      i.days.join(' ') || '-',
    ]),
  ]);
}

/** `images build`: one line per image built. */
export function builtLines(
  built: Array<{
    tag?: string;
    platform?: string;
    skipped?: string[];
    seconds?: number;
    packages?: string;
    sources?: SourceCheck[];
  }>,
): string {
  return built
    .map((r) =>
      [
        `${style.ok(marks.ok)} ${r.tag} (${r.platform ? `${r.platform}, ` : ''}${r.seconds} s${r.packages?.startsWith('folder ') ? `, packages from ${r.packages}` : ''})`,
        // Speed-only work left out under emulation: said, never silent.
        ...(r.skipped ?? []).map((s) => `  ${style.warn(s)}`),
        // The sources the preflight could not probe, named in words (the probed ones answered).
        ...(r.sources ?? []).filter((s) => !s.probed).map((s) => `  ${style.dim(describeCheck(s))}`),
      ].join('\n'),
    )
    .join('\n');
}

/** A build failure with its next step. */
export function failedLine(r: { error?: string; hint?: string }): string {
  return `${style.fail(marks.fail)} ${r.error}${r.hint ? `\n  ${style.dim('→')} ${r.hint}` : ''}`;
}

/** `images pull`: the images pulled, then the failures. */
export function pulledLines(d: { pulled: string[]; failed: Array<{ error: string }> }): string {
  return [
    ...d.pulled.map((t) => `${style.ok(marks.ok)} ${t}`),
    ...d.failed.map((f) => `${style.fail(marks.fail)} ${f.error}`),
  ].join('\n');
}

/** `images save`: where the bundle went and how to load it. */
export function savedLine(d: BundleManifest & { out: string }): string {
  return `${style.ok(marks.ok)} ${tr({ en: `Saved ${d.images.length} image(s), ${mb(d.archive.bytes)}, to ${d.out} (sha256 ${d.archive.sha256.slice(0, 12)}…). Load it with: de-lab images load ${d.out}`, ko: `이미지 ${d.images.length}개(${mb(d.archive.bytes)})를 ${d.out}에 저장했습니다(sha256 ${d.archive.sha256.slice(0, 12)}…). 불러오기: de-lab images load ${d.out}` })}`;
}

/** `images load`: the images loaded. */
export function loadedLine(d: BundleManifest): string {
  return `${style.ok(marks.ok)} ${tr({ en: `Checksum verified; loaded ${d.images.map((i) => i.tag).join(', ')}.`, ko: `체크섬 확인 완료. 불러온 이미지: ${d.images.map((i) => i.tag).join(', ')}.` })}`;
}
