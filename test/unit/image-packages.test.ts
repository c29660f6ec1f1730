import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig, setConfigValue, loadConfig } from '../../src/config/config.js';
import { DeLabError } from '../../src/core/errors.js';
import {
  describePackageSource,
  findPackageFiles,
  listedSources,
  missingPackageError,
  packageSource,
  placePackages,
  sourcesToProbe,
} from '../../src/images/packages.js';
import { loadRecipes } from '../../src/images/recipes.js';
import { tempDir } from '../helpers/temp.js';

function folder(files: string[]): string {
  const dir = tempDir('de-lab-packages-');
  for (const file of files) {
    mkdirSync(join(dir, file, '..'), { recursive: true });
    writeFileSync(join(dir, file), file);
  }
  return dir;
}

const gems = {
  sources: [
    { name: 'Debian', registry: 'apt' as const, dist: 'bookworm' },
    { name: 'rubygems', registry: 'gems' as const, gem: 'fluentd' },
  ],
  packages: { registry: 'rubygems', files: ['gems/fluentd-1.18.0.gem', 'gems/ltsv-*.gem'] },
};
const npm = {
  sources: [
    { name: 'Debian', registry: 'apt' as const, dist: 'bookworm' },
    { name: 'npm', registry: 'npm' as const, package: 'turnilo' },
  ],
  packages: { registry: 'npm', files: ['npm/turnilo-1.40.3.tgz'], stillProbe: 'express' },
};

describe('packages setting: same precedence as caFile (flag > DE_LAB_PACKAGES > file > default)', () => {
  it('takes the file, then the variable, then the flag', () => {
    const [a, b, c] = [folder([]), folder([]), folder([])];
    const base = { env: {}, file: {}, flags: {}, path: '/x.yaml' };
    expect(resolveConfig(base).values.packages).toBe('');
    expect(resolveConfig(base).origins.packages).toBe('default');
    expect(resolveConfig({ ...base, file: { packages: a } }).values.packages).toBe(a);
    const env = resolveConfig({ ...base, file: { packages: a }, env: { DE_LAB_PACKAGES: b } });
    expect([env.values.packages, env.origins.packages]).toEqual([b, 'env:DE_LAB_PACKAGES']);
    const flag = resolveConfig({ ...base, file: { packages: a }, env: { DE_LAB_PACKAGES: b }, flags: { packages: c } });
    expect([flag.values.packages, flag.origins.packages]).toEqual([c, 'flag']);
    // An empty variable does not blank the file's folder.
    expect(resolveConfig({ ...base, file: { packages: a }, env: { DE_LAB_PACKAGES: '' } }).values.packages).toBe(a);
  });

  it('stores an absolute folder, refuses a path that is no folder, and an empty value removes it', () => {
    const dir = folder(['gems/x.gem']);
    const env = { DE_LAB_CONFIG: join(tempDir('de-lab-config-'), 'config.yaml') };
    expect(setConfigValue('packages', dir, env).value).toBe(dir);
    expect(loadConfig({}, env).values.packages).toBe(dir);
    expect(() => setConfigValue('packages', join(dir, 'gems', 'x.gem'), env)).toThrowError(
      /not a valid packages: no folder at/,
    );
    expect(() =>
      resolveConfig({ env: { DE_LAB_PACKAGES: join(dir, 'nope') }, file: {}, flags: {}, path: '/x' }),
    ).toThrowError(/packages in DE_LAB_PACKAGES is invalid: no folder at/);
    setConfigValue('packages', '', env);
    expect(loadConfig({}, env).values.packages).toBe('');
  });
});

describe('package source of a recipe', () => {
  it('is the folder when it has a file for every pattern (`*` within a name), else the registry', () => {
    const full = folder(['gems/fluentd-1.18.0.gem', 'gems/ltsv-0.1.2.gem', 'gems/other.txt', 'README.md']);
    expect(findPackageFiles(full, 'gems/ltsv-*.gem')).toEqual(['gems/ltsv-0.1.2.gem']);
    expect(findPackageFiles(full, 'gems/ltsv-*.txt')).toEqual([]);
    expect(packageSource(gems, full)).toEqual({
      from: 'folder',
      registry: 'rubygems',
      folder: full,
      files: ['gems/fluentd-1.18.0.gem', 'gems/ltsv-0.1.2.gem'],
    });
    expect(packageSource(gems, '')).toEqual({ from: 'registry', registry: 'rubygems' });
    expect(packageSource({ packages: undefined }, full)).toEqual({ from: 'registry' });
    const lacking = folder(['gems/fluentd-1.18.0.gem']);
    expect(packageSource(gems, lacking)).toMatchObject({ from: 'registry', missing: 'gems/ltsv-*.gem' });
  });

  it('names the one missing file in one sentence, with the next step', () => {
    const lacking = folder(['gems/fluentd-1.18.0.gem']);
    const error = missingPackageError({ name: 'fluentd' }, packageSource(gems, lacking));
    expect(error).toBeInstanceOf(DeLabError);
    expect(error.message).toBe(`The package folder ${lacking} has no gems/ltsv-*.gem, which the fluentd image needs.`);
    expect(error.message.split('. ')).toHaveLength(1);
    expect(error.hint).toContain('de-lab config set packages ""');
    expect(error.hint).toContain('rubygems');
  });

  it('shows in images list where the packages come from', () => {
    const full = folder(['npm/turnilo-1.40.3.tgz', 'gems/fluentd-1.18.0.gem', 'gems/ltsv-0.1.2.gem']);
    expect(listedSources(gems, packageSource(gems, full))).toEqual(['Debian', `folder ${full}`]);
    expect(listedSources(gems, packageSource(gems, ''))).toEqual(['Debian', 'rubygems']);
    expect(listedSources(npm, packageSource(npm, full))).toEqual(['Debian', `npm + folder ${full}`]);
    const lacking = folder([]);
    expect(listedSources(gems, packageSource(gems, lacking))).toEqual([
      'Debian',
      `rubygems (${lacking} lacks gems/fluentd-1.18.0.gem)`,
    ]);
    expect(describePackageSource(packageSource(gems, full))).toBe(`folder ${full}`);
    expect(describePackageSource(packageSource(gems, ''))).toBe('rubygems');
  });

  it('probes no registry the folder stands in for, or only what is still needed from it', () => {
    const full = folder(['npm/turnilo-1.40.3.tgz', 'gems/fluentd-1.18.0.gem', 'gems/ltsv-0.1.2.gem']);
    expect(sourcesToProbe(gems, packageSource(gems, full)).map((s) => s.name)).toEqual(['Debian']);
    expect(sourcesToProbe(gems, packageSource(gems, ''))).toEqual(gems.sources);
    expect(sourcesToProbe(npm, packageSource(npm, full))).toEqual([
      gems.sources[0],
      { name: 'npm', registry: 'npm', package: 'express' },
    ]);
  });

  it('copies only the matched files into the build context, keeping their paths', () => {
    const full = folder(['gems/fluentd-1.18.0.gem', 'gems/ltsv-0.1.2.gem', 'gems/unrelated-1.0.gem', 'proof/x.sh']);
    const target = tempDir('de-lab-context-');
    placePackages(packageSource(gems, full), target);
    expect(readdirSync(target)).toEqual(['gems']);
    expect(readdirSync(join(target, 'gems')).sort()).toEqual(['fluentd-1.18.0.gem', 'ltsv-0.1.2.gem']);
  });

  it('the fluentd and turnilo recipes declare what they take from a folder, and the shared vendor folder has it', () => {
    const recipes = loadRecipes();
    const fluentd = recipes.find((r) => r.name === 'fluentd')!;
    const turnilo = recipes.find((r) => r.name === 'turnilo')!;
    expect(fluentd.packages?.registry).toBe('rubygems');
    expect(turnilo.packages).toMatchObject({ registry: 'npm', files: ['npm/turnilo-1.40.3.tgz'] });
    // Layout of an offline folder (a tiny stand-in of shared/vendor): all 11 gems and the tarball.
    const names = [
      'fluentd-1.18.0',
      'fluent-plugin-kafka-0.19.3',
      'ruby-kafka-1.5.0',
      'serverengine-2.4.0',
      'sigdump-0.2.5',
      'tzinfo-data-1.2026.1',
      'base64-0.3.0',
      'drb-2.2.3',
      'logger-1.7.0',
      'ltsv-0.1.2',
      'digest-crc-0.7.0',
    ];
    const vendor = folder([...names.map((n) => `gems/${n}.gem`), 'npm/turnilo-1.40.3.tgz']);
    expect(packageSource(fluentd, vendor).files).toHaveLength(11);
    expect(packageSource(turnilo, vendor).from).toBe('folder');
  });
});
