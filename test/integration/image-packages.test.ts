import { cpSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deLab, isolatedEnv, repoRoot } from '../helpers/cli.js';
import { loadRecipes } from '../../src/images/recipes.js';
import { planSource } from '../../src/images/registries.js';
import { hostClients } from '../../src/images/registry-clients.js';
import { describeCheck } from '../../src/images/sources.js';
import { engine } from '../../src/stack/engine.js';
import { probeUrl } from '../helpers/smoke-docker.js';

/**
 * Offline package folders through the CLI, as a user runs it: `images list` says where the
 * packages come from; a folder that lacks a file is refused in one sentence naming it; and
 * without a folder a recipe whose registry is unreachable still refuses with
 * "cannot be built here: … unreachable" before any build step, where the registry's client says
 * where it is; a source no client here can place is named in words and left to the build.
 * The folder used is DE_LAB_PACKAGES (CI: ../shared/vendor), else ../shared/vendor.
 */

const recipe = (name: string) => loadRecipes().find((r) => r.name === name)!;
const vendor = process.env.DE_LAB_PACKAGES || join(repoRoot, '..', 'shared', 'vendor');
/** The environment without any package folder. */
const noFolder = () => isolatedEnv({ DE_LAB_PACKAGES: '' });

describe('offline package folders', () => {
  it('images list shows the folder in place of rubygems / next to npm, and the registries without it', async () => {
    const withFolder = await deLab(['images', 'list', '--json'], { env: isolatedEnv({ DE_LAB_PACKAGES: vendor }) });
    expect(withFolder.exitCode, withFolder.stderr).toBe(0);
    const listed = JSON.parse(withFolder.stdout) as {
      packages: string;
      images: Array<{ name: string; sources: string[]; packages?: { from: string } }>;
    };
    expect(listed.packages).toBe(vendor);
    const byName = (name: string) => listed.images.find((image) => image.name === name)!;
    expect(byName('fluentd').sources).toEqual(['Debian', `folder ${vendor}`]);
    expect(byName('fluentd').packages).toMatchObject({ from: 'folder', registry: 'rubygems' });
    expect(byName('turnilo').sources).toEqual(['Debian', `npm + folder ${vendor}`]);
    expect(byName('kafka').packages).toBeUndefined();

    const without = await deLab(['images', 'list'], { env: noFolder() });
    expect(without.exitCode, without.stderr).toBe(0);
    expect(without.stdout).toMatch(/^fluentd .*Debian, rubygems/m);
    expect(without.stdout).toMatch(/^turnilo .*Debian, npm /m);
  });

  it('a folder that lacks a file the recipe needs is refused in one sentence naming the file, before any build step', async () => {
    const lacking = mkdtempSync(join(tmpdir(), 'de-lab-lacking-'));
    cpSync(join(vendor, 'gems'), join(lacking, 'gems'), {
      recursive: true,
      filter: (src) => !/ltsv-[^/]*\.gem$/.test(src),
    });
    expect(readdirSync(join(lacking, 'gems')).length).toBe(readdirSync(join(vendor, 'gems')).length - 1);
    const result = await deLab(['images', 'build', 'fluentd', '--packages', lacking], { env: noFolder() });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(
      `The package folder ${lacking} has no gems/ltsv-*.gem, which the fluentd image needs.`,
    );
    expect(result.stdout + result.stderr).not.toMatch(/Step \d+\/\d+/);
    // The flag wins over DE_LAB_PACKAGES (same order as caFile).
    const flagWins = await deLab(['images', 'build', 'fluentd', '--packages', lacking], {
      env: isolatedEnv({ DE_LAB_PACKAGES: vendor }),
    });
    expect(flagWins.stderr).toContain(`The package folder ${lacking} has no gems/ltsv-*.gem`);
  });

  it('a --packages path that is no folder is refused with the setting named', async () => {
    const result = await deLab(['images', 'build', 'fluentd', '--packages', join(vendor, 'README.md')], {
      env: noFolder(),
    });
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain('The setting packages given as a flag is invalid: no folder at');
  });

  it.each(['fluentd', 'turnilo'])(
    'without a folder, building %s needs its registry: refused with "cannot be built here: … unreachable" exactly when a probed source is unreachable',
    async (name) => {
      const { sources, packages } = recipe(name);
      // Where each registry is, as its client says (resolution is unit-tested); probed independently.
      const clients = hostClients((await engine()).docker);
      const plans = await Promise.all(
        sources.map(async (source) => ({ source, plan: await planSource(source, clients) })),
      );
      const probes = await Promise.all(
        plans.flatMap(({ source, plan }) => ('url' in plan ? [probeUrl({ name: source.name, url: plan.url })] : [])),
      );
      const unprobed = plans.filter(({ plan }) => 'notProbed' in plan);
      const down = probes.find((p) => !p.reachable);
      const outcome = await deLab(['images', 'build', name], { env: noFolder(), timeout: 30 * 60_000 });
      if (down) {
        expect(outcome.exitCode, outcome.stdout).not.toBe(0);
        expect(outcome.stderr).toContain(`cannot be built here: ${down.name} unreachable (${down.url}`);
        // and says what to do instead: a package folder when the folder stands in for that registry, or a bundle
        if (down.name === packages?.registry) expect(outcome.stdout + outcome.stderr).toContain('--packages DIR');
        expect(outcome.stdout + outcome.stderr).toContain('de-lab images load');
        expect(outcome.stdout + outcome.stderr).not.toMatch(/Step \d+\/\d+/);
      } else if (outcome.exitCode !== 0 && unprobed.length > 0) {
        // Not probed (e.g. no gem client here): the build itself tried, and its failure names the
        // sources nobody could check beforehand.
        expect(outcome.stderr).toContain(`Building de-lab/${name}:`);
        for (const { source, plan } of unprobed)
          expect(outcome.stderr).toContain(
            describeCheck({ name: source.name, registry: source.registry, item: '', probed: false, ...plan }),
          );
      } else {
        // Where the registry is reachable the recipe really builds from it.
        expect(outcome.exitCode, outcome.stderr).toBe(0);
      }
    },
    35 * 60_000,
  );
});
