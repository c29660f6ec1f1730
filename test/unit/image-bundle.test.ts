import { afterEach, describe, expect, it } from 'vitest';
import {
  archiveFile,
  BUNDLE_FORMAT,
  BUNDLE_FORMAT_V1,
  parseManifest,
  refuseAbsentPlatforms,
  refuseMissing,
  savePlan,
  wantedEntries,
  type BundleManifest,
} from '../../src/images/bundle-format.js';
import { EXIT } from '../../src/core/errors.js';
import { setLang } from '../../src/i18n/lang.js';
import { thrown } from '../helpers/thrown.js';
import { variantTag } from '../../src/images/platform.js';
import { buildCommand, buildsFor, imagePlatform, parsePlatforms } from '../../src/images/variants.js';

const id = (c: string) => `sha256:${c.repeat(64)}`;
const sum = (c: string) => c.repeat(64);

function v2(): BundleManifest {
  return {
    format: BUNDLE_FORMAT,
    createdAt: '2026-12-07T00:00:00Z',
    platforms: ['linux/amd64', 'linux/arm64'],
    images: [
      { name: 'tools', tag: 'de-lab/tools:1.0', id: id('a'), platform: 'linux/amd64' },
      { name: 'tools', tag: 'de-lab/tools:1.0', id: id('b'), platform: 'linux/arm64' },
    ],
    archives: [
      { platform: 'linux/amd64', file: 'images-amd64.tar', sha256: sum('c'), bytes: 10 },
      { platform: 'linux/arm64', file: 'images-arm64.tar', sha256: sum('d'), bytes: 20 },
    ],
  };
}

afterEach(() => setLang('en'));

describe('platform variants: tags, --platform lists, what a recipe builds for', () => {
  it("tags the engine's own platform as usual and another with its arch", () => {
    expect(variantTag('de-lab/tools:1.0', 'linux/amd64', 'linux/amd64')).toBe('de-lab/tools:1.0');
    expect(variantTag('de-lab/tools:1.0', 'linux/arm64', 'linux/amd64')).toBe('de-lab/tools:1.0-arm64');
    expect(variantTag('de-lab/tools:1.0', 'linux/amd64', 'linux/arm64')).toBe('de-lab/tools:1.0-amd64');
    expect(variantTag('de-lab/tools:1.0', 'linux/arm64', undefined)).toBe('de-lab/tools:1.0-arm64');
  });

  it('reads a comma-separated --platform once each, and refuses an unknown or empty one with exit 2', () => {
    expect(parsePlatforms('linux/amd64, arm64,linux/amd64')).toEqual(['linux/amd64', 'linux/arm64']);
    expect(parsePlatforms('arm64')).toEqual(['linux/arm64']);
    expect(thrown(() => parsePlatforms('linux/amd64,riscv64')).exitCode).toBe(EXIT.usage);
    expect(thrown(() => parsePlatforms(' , ')).exitCode).toBe(EXIT.usage);
  });

  it('says which platforms a recipe builds for, an image is for, and the build that makes one', () => {
    expect(buildsFor({})).toEqual(['linux/amd64', 'linux/arm64']);
    expect(buildsFor({ platforms: ['linux/amd64'] })).toEqual(['linux/amd64']);
    expect(imagePlatform({ Os: 'linux', Architecture: 'arm64' })).toBe('linux/arm64');
    expect(buildCommand(['tools', 'mariadb'], 'linux/arm64', 'linux/amd64')).toBe(
      'de-lab images build tools mariadb --platform linux/arm64',
    );
    expect(buildCommand(['tools'], 'linux/amd64', 'linux/amd64')).toBe('de-lab images build tools');
  });
});

describe('offline bundles with platforms', () => {
  it('plans each platform of each recipe under its tag on this engine, and refuses a recipe left out', () => {
    const tools = { name: 'tools', version: '1.0' };
    expect(savePlan([tools], 'de-lab', ['linux/amd64', 'linux/arm64'], 'linux/amd64')).toEqual([
      { name: 'tools', tag: 'de-lab/tools:1.0', platform: 'linux/amd64', engineTag: 'de-lab/tools:1.0' },
      { name: 'tools', tag: 'de-lab/tools:1.0', platform: 'linux/arm64', engineTag: 'de-lab/tools:1.0-arm64' },
    ]);
    const oldjdk = {
      name: 'oldjdk',
      version: '1',
      platforms: ['linux/amd64' as const],
      notOn: { 'linux/arm64': { en: 'its JDK ships for x86-64 only.', ko: 'JDK가 x86-64용만 나옵니다.' } },
    };
    expect(savePlan([oldjdk], 'p', ['linux/amd64'], 'linux/amd64')).toHaveLength(1);
    const refused = thrown(() => savePlan([tools, oldjdk], 'p', ['linux/amd64', 'linux/arm64'], 'linux/amd64'));
    expect(refused.exitCode).toBe(EXIT.usage);
    expect(refused.message).toBe('The oldjdk image cannot be built for linux/arm64: its JDK ships for x86-64 only.');
  });

  it('names the build to run for each platform whose images are missing, in one sentence each', () => {
    expect(() => refuseMissing([], 'linux/amd64')).not.toThrow();
    const item = (name: string, platform: 'linux/amd64' | 'linux/arm64') => ({
      name,
      tag: `de-lab/${name}:1`,
      platform,
      engineTag: variantTag(`de-lab/${name}:1`, platform, 'linux/amd64'),
    });
    const error = thrown(() =>
      refuseMissing(
        [item('tools', 'linux/arm64'), item('mariadb', 'linux/arm64'), item('kafka', 'linux/amd64')],
        'linux/amd64',
      ),
    );
    expect(error.exitCode).toBe(EXIT.failed);
    expect(error.message.split('\n')).toEqual([
      'This engine has no linux/arm64 image of tools, mariadb: run `de-lab images build tools mariadb --platform linux/arm64` first.',
      'This engine has no linux/amd64 image of kafka: run `de-lab images build kafka` first.',
    ]);
    setLang('ko');
    expect(thrown(() => refuseMissing([item('tools', 'linux/arm64')], 'linux/amd64')).message).toBe(
      '이 엔진에 tools의 linux/arm64 이미지가 없습니다. 먼저 `de-lab images build tools --platform linux/arm64`를 실행하세요.',
    );
  });

  it('extracts only the archives of the platforms wanted, and the old single archive', () => {
    expect(archiveFile('linux/arm64')).toBe('images-arm64.tar');
    expect(wantedEntries(['linux/arm64'])).toEqual(['manifest.json', 'images.tar', 'images-arm64.tar']);
  });

  it('reads both formats and names what is wrong with a manifest', () => {
    expect(parseManifest(v2())).toEqual(v2());
    const old = {
      format: BUNDLE_FORMAT_V1,
      createdAt: '2026-11-01T00:00:00Z',
      images: [{ tag: 'de-lab/tools:1.0', id: id('a') }],
      archive: { file: 'images.tar', sha256: sum('c'), bytes: 10 },
    };
    expect(parseManifest(old)).toEqual(old);
    expect(parseManifest({ format: 'de-lab-bundle/9' })).toBe('unknown format de-lab-bundle/9');
    expect(parseManifest(null)).toBe('unknown format undefined');
    const renamed = v2();
    renamed.archives[1]!.file = '../../etc/passwd';
    expect(parseManifest(renamed)).toBe('manifest.json: linux/arm64 needs one archive, images-arm64.tar');
    const stray = v2();
    stray.platforms = ['linux/amd64'];
    stray.archives.pop();
    expect(parseManifest(stray)).toBe(
      'manifest.json: de-lab/tools:1.0 is for linux/arm64, which the bundle does not list',
    );
    const badId = v2();
    badId.images[0]!.id = 'sha256:nope';
    expect(parseManifest(badId)).toMatch(/^manifest\.json: images\.0\.id: /);
  });

  it('refuses to load a platform the bundle does not hold, saying how to get it', () => {
    const amd64Only = v2();
    amd64Only.platforms = ['linux/amd64'];
    expect(() => refuseAbsentPlatforms('b.tar', v2(), ['linux/arm64'])).not.toThrow();
    const error = thrown(() => refuseAbsentPlatforms('b.tar', amd64Only, ['linux/arm64']));
    expect(error.exitCode).toBe(EXIT.usage);
    expect(error.message).toBe(
      'b.tar holds images for linux/amd64, not for linux/arm64: load those with --platform linux/amd64, or make a bundle with `de-lab images save --platform linux/arm64`.',
    );
  });
});
