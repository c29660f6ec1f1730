import type Dockerode from 'dockerode';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { DeLabError, errorMessage } from '../core/errors.js';
import { imagesDir } from '../core/paths.js';
import { tr } from '../i18n/lang.js';
import {
  describePackageSource,
  missingPackageError,
  packageSource,
  placePackages,
  sourcesToProbe,
  type PackageSource,
} from './packages.js';
import { checkSources } from './probe.js';
import type { ClientOutputs } from './registries.js';
import { hostClients } from './registry-clients.js';
import { describeCheck, unreachableDetail, type SourceCheck } from './sources.js';
import type { PlatformPlan } from './platform.js';
import { imageTag, type Recipe } from './recipes.js';

export interface BuildOptions {
  /** The engine to build on, the caller's client. */
  docker: Dockerode;
  prefix: string;
  /** Extra CA bundle to trust inside the build; '' for none. */
  caFile: string;
  /** Offline package folder ('' for the registries): the `packages` setting the caller resolved. */
  packages: string;
  noCache?: boolean;
  /** Called with "Step 4/12 : RUN …" lines and other output. */
  onProgress?: (event: { step?: string; line?: string }) => void;
  /** The environment the host's registry clients are asked in (npm, pip); the process's by default. */
  env?: NodeJS.ProcessEnv;
  /** The platform to build for, with its tag and build arguments; the engine's own, as before, when left out. */
  plan?: PlatformPlan;
}

export interface BuildResult {
  name: string;
  tag: string;
  id: string;
  /** The built image's platform, as the engine reports it (linux/arm64). */
  platform: string;
  /** Speed-only work the build left out under emulation, in words. */
  skipped: string[];
  seconds: number;
  /** Where the recipe's packages came from: "folder DIR" or the registry's name. */
  packages: string;
  /** The preflight's view of each source: probed (and where), or named in words. */
  sources: SourceCheck[];
}

/**
 * The preflight: asks each source's client where its registry is, probes it, and refuses early,
 * with the registry's name, when one cannot be reached. Sources no client here can place are
 * named in words and left to the build. Returns what it saw, one check per source.
 */
export async function requireSources(
  recipe: Recipe,
  caFile: string,
  sources: Recipe['sources'] = recipe.sources,
  clients: ClientOutputs = hostClients(undefined),
): Promise<SourceCheck[]> {
  const checks = await checkSources(sources, clients, caFile);
  const down = checks.find((check) => check.probed && !check.reachable);
  if (down) {
    const detail = unreachableDetail(down);
    throw new DeLabError(
      tr({
        en: `The ${recipe.name} image cannot be built here: ${down.name} unreachable (${down.url}: ${detail}).`,
        ko: `${recipe.name} 이미지는 여기서 빌드할 수 없습니다: ${down.name} unreachable (${down.url}: ${detail}).`,
      }),
      {
        hint:
          recipe.packages?.registry === down.name
            ? tr({
                en: `Give an offline package folder that has ${recipe.packages.files[0]} and the rest (--packages DIR, or \`de-lab config set packages DIR\`), build on a machine with internet access, or load an offline bundle with \`de-lab images load FILE\`.`,
                ko: `${recipe.packages.files[0]} 등이 든 오프라인 패키지 폴더를 주거나(--packages DIR 또는 \`de-lab config set packages DIR\`), 인터넷이 되는 컴퓨터에서 빌드하거나, \`de-lab images load FILE\`로 오프라인 번들을 불러오세요.`,
              })
            : tr({
                en: 'Build on a machine with internet access (behind a TLS proxy: `de-lab config set caFile FILE`), or load an offline bundle with `de-lab images load FILE`.',
                ko: '인터넷이 되는 컴퓨터에서 빌드하거나(TLS 프록시 뒤라면 `de-lab config set caFile FILE`), `de-lab images load FILE`로 오프라인 번들을 불러오세요.',
              }),
        code: 'E_SOURCE_UNREACHABLE',
      },
    );
  }
  return checks;
}

/**
 * labs/images/_shared + the recipe folder, with the configured CA placed where trust-extra-ca.sh
 * looks and the package folder's files in <recipe>/packages/ (files copied there by hand are left
 * out, as a hand-placed extra-ca.pem is: the configuration decides).
 */
function prepareContext(recipe: Recipe, caFile: string, packages: PackageSource, root = imagesDir): string {
  const dir = mkdtempSync(join(tmpdir(), `de-lab-build-${recipe.name}-`));
  cpSync(join(root, '_shared'), join(dir, '_shared'), {
    recursive: true,
    filter: (src) => !src.endsWith('extra-ca.pem'),
  });
  if (caFile) writeFileSync(join(dir, '_shared', 'extra-ca.pem'), readFileSync(caFile));
  const handPlaced = join(recipe.dir, 'packages');
  cpSync(recipe.dir, join(dir, recipe.name), {
    recursive: true,
    filter: (src) => !src.startsWith(handPlaced + sep) || src === join(handPlaced, 'README.md'),
  });
  placePackages(packages, join(dir, recipe.name, 'packages'));
  return dir;
}

/** Known failure signatures inside a build, turned into the next step. */
export function buildFailureHint(output: string): string {
  if (/x509|unknown authority|PKIX path|CERTIFICATE_VERIFY_FAILED|self[- ]signed certificate/i.test(output)) {
    return tr({
      en: "A download inside the build did not trust the TLS certificate: configure your proxy's CA with `de-lab config set caFile /path/to/ca.pem` and build again.",
      ko: '빌드 중 다운로드가 TLS 인증서를 신뢰하지 못했습니다. `de-lab config set caFile /path/to/ca.pem`으로 프록시 CA를 설정하고 다시 빌드하세요.',
    });
  }
  if (/no space left on device/i.test(output)) {
    return tr({
      en: 'The engine ran out of disk: free space or run `docker system prune`, then build again.',
      ko: '엔진 디스크가 가득 찼습니다. 공간을 비우거나 `docker system prune` 후 다시 빌드하세요.',
    });
  }
  if (/Could not resolve|Temporary failure resolving|Name or service not known|Connection timed out/i.test(output)) {
    return tr({
      en: 'A registry could not be reached from inside the build: check the network or proxy, then build again.',
      ko: '빌드 안에서 레지스트리에 닿지 못했습니다. 네트워크나 프록시를 확인한 뒤 다시 빌드하세요.',
    });
  }
  return tr({
    en: 'Read the build output above; run again with --verbose for all of it.',
    ko: '위 빌드 출력을 확인하세요. 전체는 --verbose로 다시 실행하면 보입니다.',
  });
}

/** The engine's build of a prepared context: follows its output, keeps the last 40 lines for a failure. */
async function engineBuild(
  docker: Dockerode,
  context: string,
  query: Record<string, unknown>,
  tail: string[],
  onProgress: BuildOptions['onProgress'],
): Promise<void> {
  const { pack } = await import('tar-fs');
  const stream = await docker.buildImage(pack(context) as unknown as NodeJS.ReadableStream, query);
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (error: Error | null, events: Array<{ error?: string }>) => {
        const failed = error ?? events.find((event) => event.error);
        if (failed) reject(new Error(errorMessage(failed instanceof Error ? failed : failed.error)));
        else resolve();
      },
      (event: { stream?: string; error?: string; status?: string }) => {
        const text = (event.stream ?? event.status ?? event.error ?? '').trimEnd();
        if (text === '') return;
        for (const line of text.split('\n')) {
          tail.push(line);
          if (tail.length > 40) tail.shift();
          const step = /^Step \d+\/\d+ : .*/.exec(line)?.[0];
          onProgress?.(step ? { step: step.slice(0, 160) } : { line });
        }
      },
    );
  });
}

/** A foreign platform's base image must be in the engine, for that platform (nothing is pulled for it). */
async function requireBase(docker: Dockerode, plan: PlatformPlan): Promise<void> {
  if (!plan.base) return;
  const found = await docker
    .getImage(plan.base)
    .inspect()
    .then((image) => `${image.Os}/${image.Architecture}`)
    .catch(() => undefined);
  if (found === plan.platform) return;
  throw new DeLabError(
    tr({
      en: `The ${plan.platform} base image ${plan.base} is ${found ? `for ${found}` : 'not in the engine'}, so nothing can be built for ${plan.platform} here.`,
      ko: `${plan.platform} 기반 이미지 ${plan.base}가 ${found ? `${found}용이라` : '엔진에 없어'} 여기서는 ${plan.platform}용으로 빌드할 수 없습니다.`,
    }),
    {
      hint: tr({
        en: "On Debian, make it (with qemu-user-static) by running `sudo bash .ci/arm64-base.sh` in de-lab's folder, then build again.",
        ko: 'Debian에서는 de-lab 폴더에서 `sudo bash .ci/arm64-base.sh`를 실행해(qemu-user-static 포함) 만든 뒤 다시 빌드하세요.',
      }),
      code: 'E_BASE_IMAGE',
    },
  );
}

export async function buildImage(recipe: Recipe, options: BuildOptions): Promise<BuildResult> {
  const started = Date.now();
  const { docker } = options;
  const packages = packageSource(recipe, options.packages);
  if (packages.missing) throw missingPackageError(recipe, packages);
  const plan = options.plan;
  if (plan) await requireBase(docker, plan);
  const env = options.env ?? process.env;
  const sources = await requireSources(
    recipe,
    options.caFile,
    sourcesToProbe(recipe, packages),
    hostClients(docker, env),
  );
  for (const check of sources) options.onProgress?.({ line: describeCheck(check) });
  const tag = plan?.tag ?? imageTag(options.prefix, recipe);
  const context = prepareContext(recipe, options.caFile, packages);
  const tail: string[] = [];
  try {
    await engineBuild(
      docker,
      context,
      {
        t: tag,
        dockerfile: recipe.dockerfile,
        nocache: options.noCache === true,
        rm: true,
        forcerm: true,
        labels: { 'de-lab.managed': 'true', 'de-lab.recipe': recipe.name, 'de-lab.version': recipe.version },
        ...(plan?.emulated ? { platform: plan.platform } : {}),
        ...(plan && Object.keys(plan.buildArgs).length > 0 ? { buildargs: plan.buildArgs } : {}),
      },
      tail,
      options.onProgress,
    );
  } catch (error) {
    const output = `${tail.join('\n')}\n${errorMessage(error)}`;
    throw new DeLabError(
      tr({
        en: `Building ${tag} failed: ${errorMessage(error).split('\n')[0]}`,
        ko: `${tag} 빌드 실패: ${errorMessage(error).split('\n')[0]}`,
      }),
      {
        // The sources the preflight could not check come first: one of them may be the cause.
        hint: [
          buildFailureHint(output),
          ...sources.filter((check) => !check.probed).map((check) => `  ${describeCheck(check)}`),
          ...tail.slice(-12).map((line) => `    ${line}`),
        ].join('\n'),
        code: 'E_BUILD',
      },
    );
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
  const inspected = await docker.getImage(tag).inspect();
  return {
    name: recipe.name,
    tag,
    id: inspected.Id,
    platform: `${inspected.Os}/${inspected.Architecture}`,
    skipped: plan?.skipped ?? [],
    seconds: Math.round((Date.now() - started) / 100) / 10,
    packages: describePackageSource(packages),
    sources,
  };
}
