import type { BundleManifest } from '../../images/bundle-format.js';
import type { LoadedBundle } from '../../images/bundle-load.js';
import { tr } from '../../i18n/lang.js';
import { describeCheck, type SourceCheck } from '../../images/sources.js';
import { marks, style, table } from '../../ui/style.js';

/** Megabytes, or `-` when the size is not known. */
export function mb(bytes?: number): string {
  return bytes === undefined ? '-' : `${Math.round(bytes / 1e6)} MB`;
}

interface VariantRow {
  platform: string;
  tag: string;
  present: boolean;
  sizeBytes?: number;
  imagePlatform?: string;
}

interface ListedImage {
  name: string;
  tag: string;
  present: boolean;
  sizeBytes?: number;
  sources: string[];
  days: string[];
  platform?: string | null;
  variants?: VariantRow[];
  buildsFor?: string[];
  notOn?: Array<{ platform: string; why: string }>;
}

const short = (platform: string): string => platform.replace(/^linux\//, '');

/** present, missing, or present but made for another platform than its tag says. */
function stateCell(v: { present: boolean; platform?: string | null; imagePlatform?: string }): string {
  if (!v.present) return style.warn(tr({ en: 'missing', ko: '없음' }));
  if (v.platform && v.imagePlatform && v.imagePlatform !== v.platform)
    return style.warn(tr({ en: `is ${v.imagePlatform}`, ko: `${v.imagePlatform}용` }));
  return style.ok(tr({ en: 'present', ko: '있음' }));
}

/**
 * `images list`: one row per image for the engine's own platform, present or missing, then one
 * row per other platform's variant that is present; below, why a recipe cannot build for one.
 */
export function imageTable(images: ListedImage[]): string {
  const head = [
    tr({ en: 'IMAGE', ko: '이미지' }),
    tr({ en: 'PLATFORM', ko: '플랫폼' }),
    tr({ en: 'TAG', ko: '태그' }),
    tr({ en: 'STATE', ko: '상태' }),
    tr({ en: 'SIZE', ko: '크기' }),
    tr({ en: 'BUILDS FOR', ko: '빌드 가능' }),
    tr({ en: 'SOURCES', ko: '소스' }),
    tr({ en: 'DAYS', ko: '실습일' }),
  ].map(style.bold);
  const rows: string[][] = [];
  for (const i of images) {
    const own = { ...i, platform: i.platform ?? undefined };
    const others = (i.variants ?? []).filter((v) => v.present && v.tag !== i.tag);
    for (const [n, v] of [own, ...others].entries())
      rows.push([
        i.name,
        v.platform ? short(v.platform) : '-',
        v.tag,
        stateCell(v),
        mb(v.sizeBytes),
        n > 0 ? '' : (i.buildsFor ?? []).map(short).join(' ') || '-',
        n > 0 ? '' : i.sources.join(', '),
        n > 0 ? '' : i.days.join(' ') || '-',
      ]);
  }
  const why = images.flatMap((i) =>
    (i.notOn ?? []).map((n) =>
      style.dim(
        tr({
          en: `${i.name} does not build for ${n.platform}: ${n.why}`,
          ko: `${i.name}: ${n.platform}용으로 빌드하지 않음. ${n.why}`,
        }),
      ),
    ),
  );
  return [table([head, ...rows]), ...why].join('\n');
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

/** `images save`: where the bundle went, for which platforms, and how to load it. */
export function savedLine(d: BundleManifest & { out: string }): string {
  const platforms = d.platforms.join(', ');
  const size = mb(d.archives.reduce((sum, a) => sum + a.bytes, 0));
  const sums = d.archives.map((a) => `${short(a.platform)} ${a.sha256.slice(0, 12)}…`).join(', ');
  return `${style.ok(marks.ok)} ${tr({
    en: `Saved ${d.images.length} image(s) for ${platforms}, ${size}, to ${d.out} (sha256 ${sums}). Load it with: de-lab images load ${d.out}`,
    ko: `${platforms}용 이미지 ${d.images.length}개(${size})를 ${d.out}에 저장했습니다(sha256 ${sums}). 불러오기: de-lab images load ${d.out}`,
  })}`;
}

/** `images load`: the images loaded, each under its tag on this engine and with its platform. */
export function loadedLine(d: LoadedBundle): string {
  const list = d.images.map((i) => (i.platform ? `${i.tag} (${i.platform})` : i.tag)).join(', ');
  return `${style.ok(marks.ok)} ${tr({ en: `Checksum verified; loaded ${list}.`, ko: `체크섬 확인 완료. 불러온 이미지: ${list}.` })}`;
}
