import { beforeAll, describe, expect, it } from 'vitest';
import {
  builtLines,
  failedLine,
  imageTable,
  loadedLine,
  mb,
  pulledLines,
  savedLine,
} from '../../src/cli/render/images.js';
import { setLang } from '../../src/i18n/lang.js';
import { configureColor } from '../../src/ui/style.js';

describe('de-lab images: what it prints', () => {
  beforeAll(() => configureColor(false));

  it('lists each image for the engine platform with its state, size, builds-for, sources and days', () => {
    const lines = imageTable([
      {
        name: 'kafka',
        tag: 'de-lab/kafka:3.9.2',
        present: true,
        sizeBytes: 535e6,
        sources: ['Debian'],
        days: ['day4'],
        platform: 'linux/amd64',
        buildsFor: ['linux/amd64', 'linux/arm64'],
      },
      { name: 'druid', tag: 'de-lab/druid:33.0.0', present: false, sources: [], days: [] },
    ]).split('\n');
    expect(lines[0]).toMatch(/^IMAGE +PLATFORM +TAG +STATE +SIZE +BUILDS FOR +SOURCES +DAYS$/);
    expect(lines[1]).toMatch(/^kafka +amd64 +de-lab\/kafka:3\.9\.2 +present +535 MB +amd64 arm64 +Debian +day4$/);
    expect(lines[2]).toMatch(/^druid +- +de-lab\/druid:33\.0\.0 +missing +- +- +- *$/);
  });

  it('adds a row for each other platform variant present, flags a wrong one, and says why a platform is left out', () => {
    const variant = (platform: string, tag: string, present: boolean, imagePlatform?: string) => ({
      platform,
      tag,
      present,
      sizeBytes: present ? 4e8 : undefined,
      imagePlatform,
    });
    const lines = imageTable([
      {
        name: 'tools',
        tag: 'de-lab/tools:1.0',
        present: true,
        sizeBytes: 39e7,
        sources: ['Debian'],
        days: ['day1'],
        platform: 'linux/amd64',
        imagePlatform: 'linux/amd64',
        buildsFor: ['linux/amd64', 'linux/arm64'],
        variants: [
          variant('linux/amd64', 'de-lab/tools:1.0', true, 'linux/amd64'),
          variant('linux/arm64', 'de-lab/tools:1.0-arm64', true, 'linux/amd64'),
        ],
      },
      {
        name: 'oldjdk',
        tag: 'de-lab/oldjdk:1',
        present: true,
        sources: ['Debian'],
        days: [],
        platform: 'linux/amd64',
        buildsFor: ['linux/amd64'],
        notOn: [{ platform: 'linux/arm64', why: 'its JDK ships for x86-64 only.' }],
        variants: [
          variant('linux/amd64', 'de-lab/oldjdk:1', true),
          variant('linux/arm64', 'de-lab/oldjdk:1-arm64', false),
        ],
      },
    ] as Parameters<typeof imageTable>[0]).split('\n');
    expect(lines[1]).toMatch(/^tools +amd64 +de-lab\/tools:1\.0 +present +390 MB +amd64 arm64 +Debian +day1$/);
    // The arm64 tag holds an amd64 image: said, not shown as present.
    expect(lines[2]).toMatch(/^tools +arm64 +de-lab\/tools:1\.0-arm64 +is linux\/amd64 +400 MB *$/);
    expect(lines[3]).toMatch(/^oldjdk +amd64 +de-lab\/oldjdk:1 +present +- +amd64 +Debian +- *$/);
    expect(lines).toHaveLength(5);
    expect(lines[4]).toBe('oldjdk does not build for linux/arm64: its JDK ships for x86-64 only.');
  });

  it('shows the list in Korean', () => {
    setLang('ko');
    try {
      const lines = imageTable([
        { name: 'druid', tag: 'de-lab/druid:33.0.0', present: false, sources: [], days: [], platform: 'linux/arm64' },
      ]).split('\n');
      expect(lines[0]).toMatch(/^이미지 +플랫폼 +태그 +상태 +크기 +빌드 가능 +소스 +실습일$/);
      expect(lines[1]).toMatch(/^druid +arm64 +de-lab\/druid:33\.0\.0 +없음 /);
    } finally {
      setLang('en');
    }
  });

  it('names the package folder a build used, and gives a failure its next step', () => {
    expect(
      builtLines([
        { tag: 'a:1', seconds: 3, packages: 'folder /srv/v' },
        { tag: 'b:2', seconds: 4 },
      ]),
    ).toBe('✔ a:1 (3 s, packages from folder /srv/v)\n✔ b:2 (4 s)');
    const maven = { name: 'Maven Central', registry: 'maven' as const, item: 'g:a:1', probed: false };
    const apt = { name: 'Debian', registry: 'apt' as const, item: 'bookworm', probed: true, reachable: true };
    expect(builtLines([{ tag: 'c:3', seconds: 5, sources: [apt, maven] }])).toBe(
      '✔ c:3 (5 s)\n  Maven Central, asked by Maven inside the build: not probed (no client on this machine says where it is)',
    );
    expect(failedLine({ error: 'No network.', hint: 'Try again.' })).toBe('✖ No network.\n  → Try again.');
    expect(failedLine({ error: 'No network.' })).toBe('✖ No network.');
  });

  it('says which platforms a bundle holds, and what was loaded for which platform', () => {
    const archive = (platform: 'linux/amd64' | 'linux/arm64', c: string, bytes: number) => ({
      platform,
      file: `images-${platform.slice(6)}.tar`,
      sha256: c.repeat(64),
      bytes,
    });
    const saved = savedLine({
      out: 'b.tar',
      format: 'de-lab-bundle/2',
      createdAt: '',
      platforms: ['linux/amd64', 'linux/arm64'],
      images: [],
      archives: [archive('linux/amd64', 'a', 3e8), archive('linux/arm64', 'b', 4e8)],
    });
    expect(saved).toBe(
      '✔ Saved 0 image(s) for linux/amd64, linux/arm64, 700 MB, to b.tar (sha256 amd64 aaaaaaaaaaaa…, arm64 bbbbbbbbbbbb…). Load it with: de-lab images load b.tar',
    );
    const images = [
      { tag: 'de-lab/tools:1.0-arm64', id: 'sha256:x', platform: 'linux/arm64' as const },
      { tag: 'de-lab/old:1', id: 'sha256:y' },
    ];
    expect(loadedLine({ format: 'de-lab-bundle/2', createdAt: '', platforms: ['linux/arm64'], images })).toBe(
      '✔ Checksum verified; loaded de-lab/tools:1.0-arm64 (linux/arm64), de-lab/old:1.',
    );
  });

  it('lists pulls, then failures', () => {
    expect(pulledLines({ pulled: ['a:1'], failed: [{ error: 'b:2 not found' }] })).toBe('✔ a:1\n✖ b:2 not found');
    expect(mb(undefined)).toBe('-');
  });
});
