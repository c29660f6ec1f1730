import { beforeAll, describe, expect, it } from 'vitest';
import { builtLines, failedLine, imageTable, mb, pulledLines } from '../../src/cli/render/images.js';
import { configureColor } from '../../src/ui/style.js';

describe('de-lab images: what it prints', () => {
  beforeAll(() => configureColor(false));

  it('lists each image with its state, size, sources and days', () => {
    const lines = imageTable([
      {
        name: 'kafka',
        tag: 'de-lab/kafka:3.9.2',
        present: true,
        sizeBytes: 535e6,
        sources: ['Debian'],
        days: ['day4'],
      },
      { name: 'druid', tag: 'de-lab/druid:33.0.0', present: false, sources: [], days: [] },
    ]).split('\n');
    expect(lines[0]).toMatch(/^IMAGE +TAG +STATE +SIZE +SOURCES +DAYS/);
    expect(lines[1]).toMatch(/^kafka +de-lab\/kafka:3\.9\.2 +present +535 MB +Debian +day4/);
    expect(lines[2]).toMatch(/^druid +de-lab\/druid:33\.0\.0 +missing +- +- *$/);
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

  it('lists pulls, then failures', () => {
    expect(pulledLines({ pulled: ['a:1'], failed: [{ error: 'b:2 not found' }] })).toBe('✔ a:1\n✖ b:2 not found');
    expect(mb(undefined)).toBe('-');
  });
});
