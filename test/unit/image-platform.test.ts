import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { builtLines } from '../../src/cli/render/images.js';
import { DeLabError, EXIT } from '../../src/core/errors.js';
import { imagesDir } from '../../src/core/paths.js';
import { setLang } from '../../src/i18n/lang.js';
import { thrown } from '../helpers/thrown.js';
import {
  containerdStore,
  enginePlatform,
  foreignBase,
  parsePlatform,
  planPlatform,
  platformFieldsProblem,
  platformPlans,
  refuseUnsupported,
} from '../../src/images/platform.js';
import { loadRecipes } from '../../src/images/recipes.js';
import { configureColor } from '../../src/ui/style.js';

const spark = {
  name: 'spark',
  version: '4.0.0',
  speedOnly: { arg: 'SKIP_CDS_TRAINING', what: { en: 'the training run', ko: '학습 실행' } },
};
const mariadb = { name: 'mariadb', version: '10.11' };
const amd64Only = {
  name: 'oldjdk',
  version: '1',
  platforms: ['linux/amd64' as const],
  notOn: { 'linux/arm64': { en: 'its JDK ships for x86-64 only.', ko: 'JDK가 x86-64용만 나옵니다.' } },
};

/** `docker info` of this machine's engine (classic store) and of one with the containerd store. */
const amd64Engine = { OSType: 'linux', Architecture: 'x86_64', DriverStatus: [['Backing Filesystem', 'extfs']] };
const containerdEngine = {
  OSType: 'linux',
  Architecture: 'aarch64',
  DriverStatus: [['driver-type', 'io.containerd.snapshotter.v1']],
};

afterEach(() => setLang('en'));
beforeAll(() => configureColor(false));

describe('images build --platform: which platform, which tag, which base', () => {
  it('reads --platform as linux/amd64 or linux/arm64 and refuses anything else with exit 2', () => {
    expect(parsePlatform('linux/arm64')).toBe('linux/arm64');
    expect(parsePlatform('ARM64')).toBe('linux/arm64');
    expect(parsePlatform('amd64')).toBe('linux/amd64');
    const error = thrown(() => parsePlatform('linux/s390x'));
    expect(error).toBeInstanceOf(DeLabError);
    expect(error.exitCode).toBe(EXIT.usage);
    expect(error.message).toBe(
      'de-lab builds images for linux/amd64 and linux/arm64, not "linux/s390x": give one of those to --platform.',
    );
  });

  it("takes the engine's own platform from docker info, and sees the containerd image store", () => {
    expect(enginePlatform(amd64Engine as never)).toBe('linux/amd64');
    expect(enginePlatform({ OSType: 'linux', Architecture: 'aarch64' })).toBe('linux/arm64');
    expect(enginePlatform({ OSType: 'linux', Architecture: 'arm64' })).toBe('linux/arm64');
    expect(enginePlatform({ OSType: 'linux', Architecture: 's390x' })).toBeUndefined();
    expect(enginePlatform({ OSType: 'windows', Architecture: 'x86_64' })).toBeUndefined();
    expect(containerdStore(amd64Engine as never)).toBe(false);
    expect(containerdStore(containerdEngine as never)).toBe(true);
  });

  it("builds the engine's own platform as before: usual tag, default base, nothing skipped", () => {
    expect(planPlatform(spark, 'de-lab/spark:4.0.0', 'linux/amd64', 'linux/amd64')).toEqual({
      platform: 'linux/amd64',
      emulated: false,
      tag: 'de-lab/spark:4.0.0',
      base: undefined,
      buildArgs: {},
      skipped: [],
    });
  });

  it('builds another platform under its own tag and base, and skips speed-only work, saying so', () => {
    const plan = planPlatform(spark, 'de-lab/spark:4.0.0', 'linux/arm64', 'linux/amd64');
    expect(plan).toEqual({
      platform: 'linux/arm64',
      emulated: true,
      tag: 'de-lab/spark:4.0.0-arm64',
      base: 'de-lab-base/debian-arm64:bookworm-slim',
      buildArgs: { DE_LAB_BASE: 'de-lab-base/debian-arm64:bookworm-slim', SKIP_CDS_TRAINING: '1' },
      skipped: ['the training run: skipped under emulation (it only makes the image faster)'],
    });
    expect(foreignBase('linux/amd64')).toBe('de-lab-base/debian-amd64:bookworm-slim');
    // A recipe without speed-only work skips nothing.
    expect(planPlatform(mariadb, 'de-lab/mariadb:10.11', 'linux/arm64', 'linux/amd64').skipped).toEqual([]);
    // The containerd store holds both platforms under debian:bookworm-slim: no base of its own.
    const containerd = planPlatform(mariadb, 'x/mariadb:10.11', 'linux/amd64', 'linux/arm64', false);
    expect(containerd).toMatchObject({ emulated: true, tag: 'x/mariadb:10.11-amd64', buildArgs: {} });
    expect(containerd.base).toBeUndefined();
  });

  it('prints the platform and what was skipped under each built image', () => {
    expect(
      builtLines([
        {
          tag: 'de-lab/spark:4.0.0-arm64',
          platform: 'linux/arm64',
          seconds: 900,
          skipped: ['the training run: skipped under emulation (it only makes the image faster)'],
        },
      ]),
    ).toBe(
      '✔ de-lab/spark:4.0.0-arm64 (linux/arm64, 900 s)\n  the training run: skipped under emulation (it only makes the image faster)',
    );
    setLang('ko');
    expect(planPlatform(spark, 't', 'linux/arm64', 'linux/amd64').skipped).toEqual([
      '학습 실행: 에뮬레이션에서는 건너뜀(이미지를 빠르게 할 뿐임)',
    ]);
  });

  it('refuses, with exit 2 and one sentence per recipe, a platform a recipe cannot be built for', () => {
    expect(() => refuseUnsupported([spark, mariadb, amd64Only], 'linux/amd64')).not.toThrow();
    const error = thrown(() => refuseUnsupported([mariadb, amd64Only], 'linux/arm64'));
    expect(error.exitCode).toBe(EXIT.usage);
    expect(error.code).toBe('E_PLATFORM');
    expect(error.message).toBe('The oldjdk image cannot be built for linux/arm64: its JDK ships for x86-64 only.');
    expect(error.hint).toBe('Build the others by name, or for linux/amd64.');
    setLang('ko');
    expect(thrown(() => refuseUnsupported([amd64Only], 'linux/arm64')).message).toBe(
      'oldjdk 이미지는 linux/arm64용으로 빌드할 수 없습니다: JDK가 x86-64용만 나옵니다.',
    );
  });

  it('asks the engine once, and refuses before planning when a recipe cannot be built', async () => {
    let asked = 0;
    const engine = {
      info: async () => {
        asked += 1;
        return amd64Engine as never;
      },
    };
    const own = await platformPlans(engine, [mariadb, spark], 'de-lab');
    expect(own.platform).toBe('linux/amd64');
    expect(own.plans.get('spark')?.tag).toBe('de-lab/spark:4.0.0');
    const arm = await platformPlans(engine, [mariadb, spark], 'course', 'linux/arm64');
    expect([...arm.plans.values()].map((p) => p.tag)).toEqual([
      'course/mariadb:10.11-arm64',
      'course/spark:4.0.0-arm64',
    ]);
    expect(asked).toBe(2);
    await expect(platformPlans(engine, [amd64Only], 'de-lab', 'linux/arm64')).rejects.toMatchObject({
      exitCode: EXIT.usage,
    });
    const unknown = { info: async () => ({ OSType: 'linux', Architecture: 'riscv64' }) };
    await expect(platformPlans(unknown, [mariadb], 'de-lab')).rejects.toMatchObject({ exitCode: EXIT.usage });
    expect((await platformPlans(unknown, [mariadb], 'de-lab', 'linux/amd64')).plans.get('mariadb')?.emulated).toBe(
      true,
    );
  });
});

describe('image.yaml: platform fields', () => {
  it('every course recipe builds for both platforms, and only spark declares speed-only work', () => {
    const recipes = loadRecipes();
    expect(recipes.filter((r) => r.platforms !== undefined || r.notOn !== undefined)).toEqual([]);
    expect(recipes.filter((r) => r.speedOnly).map((r) => r.name)).toEqual(['spark']);
  });

  it("every recipe builds FROM the DE_LAB_BASE argument, and spark's training run obeys its speed-only argument", () => {
    for (const recipe of loadRecipes()) {
      const dockerfile = readFileSync(join(imagesDir, recipe.dockerfile), 'utf8');
      const froms = dockerfile.split('\n').filter((line) => line.startsWith('FROM '));
      expect(froms.length, recipe.name).toBeGreaterThan(0);
      for (const from of froms) expect(from, recipe.name).toMatch(/^FROM \$\{DE_LAB_BASE\}( AS \w+)?$/);
      expect(dockerfile.indexOf('ARG DE_LAB_BASE=debian:bookworm-slim'), recipe.name).toBeLessThan(
        dockerfile.indexOf('FROM '),
      );
      if (recipe.speedOnly) {
        expect(dockerfile).toContain(`ARG ${recipe.speedOnly.arg}\n`);
        expect(dockerfile).toContain(`if [ -n "\${${recipe.speedOnly.arg}}" ]`);
      }
    }
  });

  it('a platform left out must say why, and a reason must name a platform left out', () => {
    expect(platformFieldsProblem(amd64Only)).toBeUndefined();
    expect(platformFieldsProblem({ name: 'x', platforms: ['linux/amd64'] })).toBe(
      'platforms leaves out linux/arm64: say why in notOn.linux/arm64',
    );
    expect(platformFieldsProblem({ name: 'x', notOn: { 'linux/arm64': { en: 'a.', ko: 'b.' } } })).toBe(
      'notOn.linux/arm64 names a platform that platforms lists',
    );
  });

  const root = mkdtempSync(join(tmpdir(), 'de-lab-platform-recipes-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  it('loadRecipes refuses an image.yaml whose platform fields disagree', () => {
    mkdirSync(join(root, 'x'));
    writeFileSync(
      join(root, 'x', 'image.yaml'),
      'name: x\nversion: "1"\nsummary: { en: a, ko: b }\nsources: [{ name: Debian, registry: apt, dist: bookworm }]\nplatforms: [linux/amd64]\n',
    );
    expect(() => loadRecipes(root)).toThrow(/image\.yaml: platforms leaves out linux\/arm64/);
  });
});
