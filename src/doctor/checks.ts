import { josa } from '../i18n/josa.js';
import { statfs } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { execa } from 'execa';
import type Dockerode from 'dockerode';
import { errorMessage } from '../core/errors.js';
import { tr } from '../i18n/lang.js';
import type { ResolvedConfig } from '../config/config.js';
import { classifyEngineError, engine, engineFix, engineProblemSentence, withTimeout } from '../stack/engine.js';
import type { DoctorCheck } from './types.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

export interface EngineFacts {
  docker: Dockerode;
  info: Record<string, any>;
  version: Record<string, any>;
}

export function formatBytes(bytes: number): string {
  return bytes >= GiB ? `${(bytes / GiB).toFixed(1)} GiB` : `${Math.round(bytes / MiB)} MiB`;
}

/** Reachability: tells "not running" from "permission denied" and gives the fix for this platform. */
export async function checkEngine(env: NodeJS.ProcessEnv): Promise<{ check: DoctorCheck; facts?: EngineFacts }> {
  const title = tr({ en: 'Docker engine', ko: 'Docker 엔진' });
  let endpoint;
  try {
    const connected = await engine(env);
    endpoint = connected.endpoint;
    const [info, version] = await withTimeout(Promise.all([connected.docker.info(), connected.docker.version()]), 8000);
    return {
      check: {
        id: 'engine',
        title,
        verdict: 'ok',
        summary: tr({
          en: `reachable at ${endpoint.host} (${endpoint.source})`,
          ko: `${endpoint.host}에서 응답함 (${endpoint.source})`,
        }),
        blocking: true,
        data: { host: endpoint.host, source: endpoint.source },
      },
      facts: { docker: connected.docker, info, version: version as unknown as Record<string, any> },
    };
  } catch (error) {
    const problem = classifyEngineError(error);
    const where = endpoint ?? { host: env.DOCKER_HOST ?? 'default', source: 'default' as const };
    return {
      check: {
        id: 'engine',
        title,
        verdict: 'fail',
        summary: engineProblemSentence(problem, where, (error as { reason?: string }).reason),
        hint: engineFix(problem, where),
        blocking: true,
        data: { host: where.host, source: where.source, problem, error: errorMessage(error) },
      },
    };
  }
}

export function checkEngineVersion(facts: EngineFacts): DoctorCheck {
  const { Version, ApiVersion, Os, Arch } = facts.version;
  const major = Number(String(Version).split('.')[0]);
  const old = Number.isFinite(major) && major < 20;
  return {
    id: 'engine-version',
    title: tr({ en: 'Engine version', ko: '엔진 버전' }),
    verdict: old ? 'warn' : 'ok',
    summary: `Docker ${Version}, API ${ApiVersion}, ${Os}/${Arch}`,
    hint: old
      ? tr({ en: 'Upgrade to Docker Engine 20.10 or newer.', ko: 'Docker Engine 20.10 이상으로 업그레이드하세요.' })
      : undefined,
    blocking: false,
    data: { version: Version, apiVersion: ApiVersion, os: Os, arch: Arch },
  };
}

export async function checkCompose(env: NodeJS.ProcessEnv): Promise<DoctorCheck> {
  const title = 'Docker Compose v2';
  try {
    const { stdout } = await execa('docker', ['compose', 'version', '--short'], { env, timeout: 15000 });
    const version = stdout.trim().replace(/^v/, '');
    const major = Number(version.split('.')[0]);
    if (major >= 2) {
      return {
        id: 'compose',
        title,
        verdict: 'ok',
        summary: `docker compose ${version}`,
        blocking: true,
        data: { version },
      };
    }
    return {
      id: 'compose',
      title,
      verdict: 'fail',
      summary: tr({
        en: `docker compose ${version} is too old; de-lab needs Compose v2.`,
        ko: `docker compose ${josa(version, '은/는')} 너무 오래되었습니다. Compose v2가 필요합니다.`,
      }),
      hint: composeHint(),
      blocking: true,
      data: { version },
    };
  } catch (error) {
    const missingCli = (error as { code?: string }).code === 'ENOENT';
    return {
      id: 'compose',
      title,
      verdict: 'fail',
      summary: missingCli
        ? tr({ en: 'The docker command is not installed.', ko: 'docker 명령이 설치되어 있지 않습니다.' })
        : tr({
            en: 'The Compose v2 plugin is missing (`docker compose version` failed).',
            ko: 'Compose v2 플러그인이 없습니다(`docker compose version` 실패).',
          }),
      hint: composeHint(),
      blocking: true,
      data: { error: errorMessage(error) },
    };
  }
}

function composeHint(): string {
  return process.platform === 'linux'
    ? tr({
        en: 'Install the Compose v2 plugin (package docker-compose-plugin from Docker, or docker-compose v2 from your distribution), then check `docker compose version`.',
        ko: 'Compose v2 플러그인(Docker의 docker-compose-plugin 패키지 또는 배포판의 docker-compose v2)을 설치한 뒤 `docker compose version`으로 확인하세요.',
      })
    : tr({
        en: 'Update Docker Desktop: it ships Compose v2.',
        ko: 'Docker Desktop을 업데이트하세요. Compose v2가 포함되어 있습니다.',
      });
}

/** CPUs and memory as the engine sees them (a Desktop VM may have far less than the host). */
export function checkResources(facts: EngineFacts, neededMemoryBytes: number): DoctorCheck {
  const cpus = Number(facts.info.NCPU ?? 0);
  const memory = Number(facts.info.MemTotal ?? 0);
  const short = memory > 0 && memory < neededMemoryBytes;
  return {
    id: 'resources',
    title: tr({ en: 'Engine CPUs and memory', ko: '엔진 CPU와 메모리' }),
    verdict: short ? 'warn' : 'ok',
    summary: tr({
      en: `${cpus} CPUs, ${formatBytes(memory)} memory`,
      ko: `CPU ${cpus}개, 메모리 ${formatBytes(memory)}`,
    }),
    hint: short
      ? tr({
          en: `The largest day needs ${formatBytes(neededMemoryBytes)}: give the engine more memory (Docker Desktop → Settings → Resources).`,
          ko: `가장 큰 실습일에 ${josa(formatBytes(neededMemoryBytes), '이/가')} 필요합니다. 엔진 메모리를 늘리세요(Docker Desktop → Settings → Resources).`,
        })
      : undefined,
    blocking: false,
    data: { cpus, memoryBytes: memory },
  };
}

/** Free disk under the engine's root directory, when that directory is on this machine. */
export async function checkDisk(facts: EngineFacts, neededBytes = 20 * GiB, local = true): Promise<DoctorCheck> {
  const root = String(facts.info.DockerRootDir ?? '/var/lib/docker');
  const title = tr({ en: 'Disk for images', ko: '이미지용 디스크' });
  // An engine on another machine: a folder of the same name here says nothing about its disk.
  if (!local || !existsSync(root)) {
    return {
      id: 'disk',
      title,
      verdict: 'info',
      summary: tr({
        en: `${root} is inside the engine's VM or host; free space cannot be measured from here.`,
        ko: `${josa(root, '은/는')} 엔진의 VM/호스트 안에 있어 여기서 여유 공간을 잴 수 없습니다.`,
      }),
      blocking: false,
      data: { root },
    };
  }
  const stats = await statfs(root);
  const free = Number(stats.bavail) * Number(stats.bsize);
  const low = free < neededBytes;
  return {
    id: 'disk',
    title,
    verdict: free < 2 * GiB ? 'fail' : low ? 'warn' : 'ok',
    summary: tr({ en: `${formatBytes(free)} free under ${root}`, ko: `${root} 아래 ${formatBytes(free)} 남음` }),
    hint: low
      ? tr({
          en: `The course images need about ${formatBytes(neededBytes)}: free space, or run \`docker system prune\` for unused data.`,
          ko: `실습 이미지에 약 ${josa(formatBytes(neededBytes), '이/가')} 필요합니다. 공간을 비우거나 \`docker system prune\`으로 안 쓰는 데이터를 지우세요.`,
        })
      : undefined,
    blocking: free < 2 * GiB,
    data: { root, freeBytes: free },
  };
}

export function checkArchitecture(facts: EngineFacts | undefined): DoctorCheck {
  const host = process.arch === 'x64' ? 'amd64' : process.arch;
  const engineArch = facts ? normaliseArch(String(facts.info.Architecture ?? '')) : undefined;
  const supported = host === 'amd64' || host === 'arm64';
  return {
    id: 'architecture',
    title: tr({ en: 'Architecture', ko: '아키텍처' }),
    verdict: supported ? 'ok' : 'warn',
    summary: engineArch && engineArch !== host ? `host ${host}, engine ${engineArch}` : host,
    hint: supported
      ? undefined
      : tr({
          en: 'Only amd64 and arm64 are tested; images build from source, so others may still work.',
          ko: 'amd64와 arm64만 검증되었습니다. 이미지는 소스에서 빌드되므로 다른 환경도 동작할 수 있습니다.',
        }),
    blocking: false,
    data: { host, engine: engineArch },
  };
}

function normaliseArch(arch: string): string {
  if (arch === 'x86_64') return 'amd64';
  if (arch === 'aarch64') return 'arm64';
  return arch;
}

export function checkExtraCa(config: ResolvedConfig): DoctorCheck {
  const title = tr({ en: 'Extra CA for image builds', ko: '이미지 빌드용 추가 CA' });
  if (!config.values.caFile) {
    return {
      id: 'extra-ca',
      title,
      verdict: 'info',
      summary: tr({
        en: "none configured (builds use the images' own trust store)",
        ko: '설정 없음(빌드는 이미지 기본 인증서 저장소 사용)',
      }),
      hint: tr({
        en: 'Behind a TLS-intercepting proxy, run `de-lab config set caFile /path/to/ca.pem`.',
        ko: 'TLS를 가로채는 프록시 뒤에 있다면 `de-lab config set caFile /path/to/ca.pem`을 실행하세요.',
      }),
      blocking: false,
      data: { caFile: null },
    };
  }
  return {
    id: 'extra-ca',
    title,
    verdict: 'ok',
    summary: `${config.values.caFile} (${config.origins.caFile})`,
    blocking: false,
    data: { caFile: config.values.caFile, origin: config.origins.caFile },
  };
}
