import { josa } from '../../i18n/josa.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import { execa } from 'execa';
import { DeLabError, EXIT } from '../../core/errors.js';
import { tr } from '../../i18n/lang.js';
import { engineClient, withTimeout } from '../engine.js';
import { bindCliEnv, engineCliEnv } from './cli-env.js';
import { composeV2Works } from '../preflight.js';
import { defaultSlots, type EngineSpec } from '../../config/engines.js';

/** One engine of the pool, reachable and checked, with its share of the class. */
export interface PoolEngine {
  /** As written in --engines (without slots): the name results.json records. */
  name: string;
  /** The address it was reached at. */
  host: string;
  docker: Dockerode;
  /** The docker CLI's environment for this engine (compose runs through it). */
  env: NodeJS.ProcessEnv;
  memoryBytes: number;
  slots: number;
  /** Slots as asked (undefined: from its memory). */
  asked?: number;
}

function usage(en: string, ko: string, hint: { en: string; ko: string }, cause?: unknown): DeLabError {
  return new DeLabError(tr({ en, ko }), { hint: tr(hint), code: 'E_ENGINES', exitCode: EXIT.usage, cause });
}

interface ContextInfo {
  Endpoints?: { docker?: { Host?: string; SkipTLSVerify?: boolean } };
  Storage?: { TLSPath?: string };
}

/** A context's engine address and TLS files, as `docker context inspect` gives them. */
export async function inspectContext(name: string, flag = '--engines'): Promise<{ host: string; certPath?: string }> {
  const result = await execa('docker', ['context', 'inspect', name], { reject: false, timeout: 15_000 });
  const info = result.exitCode === 0 ? (JSON.parse(String(result.stdout)) as ContextInfo[])[0] : undefined;
  const host = info?.Endpoints?.docker?.Host;
  if (!host)
    throw usage(
      `There is no Docker context named ${name}.`,
      `${josa(name, '이/가')} 붙은 Docker 컨텍스트가 없습니다.`,
      {
        en: `Create it with \`docker context create ${name} --docker host=ssh://user@host\` (see \`docker context ls\`), or fix ${flag}.`,
        ko: `\`docker context create ${name} --docker host=ssh://user@host\`로 만들거나(\`docker context ls\` 참고) ${josa(flag, '을/를')} 고치세요.`,
      },
    );
  const tls = info?.Storage?.TLSPath ? join(info.Storage.TLSPath, 'docker') : undefined;
  return { host, certPath: tls && existsSync(join(tls, 'ca.pem')) ? tls : undefined };
}

/** The engine de-lab uses anyway (the caller's client), as `default` in --engines. */
export interface DefaultEngine {
  docker: Dockerode;
  host: string;
}

async function clientFor(
  spec: EngineSpec,
  fallback: DefaultEngine,
): Promise<{ docker: Dockerode; host: string; env: NodeJS.ProcessEnv }> {
  if (spec.kind === 'default') return { ...fallback, env: process.env };
  if (spec.kind === 'url') {
    const env = engineCliEnv({ kind: 'url', host: spec.name });
    return { docker: await engineClient(spec.name, env), host: spec.name, env };
  }
  const context = await inspectContext(spec.name);
  const tlsEnv = context.certPath ? { DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: context.certPath } : {};
  return {
    docker: await engineClient(context.host, tlsEnv),
    host: context.host,
    env: engineCliEnv({ kind: 'context', context: spec.name }),
  };
}

async function requireComposeFor(name: string, env: NodeJS.ProcessEnv): Promise<void> {
  if (!(await composeV2Works(env)))
    throw usage(
      `Docker Compose v2 does not work for engine ${name} (\`docker compose version\` failed).`,
      `엔진 ${name}에서 Docker Compose v2가 동작하지 않습니다(\`docker compose version\` 실패).`,
      {
        en: 'Install the Compose v2 plugin on this machine (`de-lab doctor` explains), or drop the engine from --engines.',
        ko: '이 컴퓨터에 Compose v2 플러그인을 설치하거나(`de-lab doctor` 참고) --engines에서 그 엔진을 빼세요.',
      },
    );
}

/** An ssh:// engine (or a context of one) whose `ssh … docker system dial-stdio` failed: what ssh said. */
function sshFailed(name: string, said = ''): DeLabError {
  const reason = said.replace(/\.$/, '');
  return usage(
    `Engine ${name} does not answer over ssh (${reason}).`,
    `엔진 ${josa(name, '이/가')} ssh로 응답하지 않습니다(${reason}).`,
    {
      en: 'Check that `ssh <user@host> docker version` works from this machine (key, known host key, Docker on that host), or drop it from --engines.',
      ko: '이 컴퓨터에서 `ssh <user@host> docker version`이 되는지(키, 알려진 호스트 키, 그 호스트의 Docker) 확인하거나 --engines에서 빼세요.',
    },
  );
}

/** Reaches one engine: its client, CLI environment, memory and slots; throws one sentence of what to fix. */
export async function resolveEngine(
  spec: EngineSpec,
  perLearnerBytes: number,
  fallback: DefaultEngine,
  timeoutMs = 8000,
): Promise<PoolEngine> {
  let client: Awaited<ReturnType<typeof clientFor>>;
  let memoryBytes: number;
  try {
    client = await clientFor(spec, fallback);
    const info = (await withTimeout(client.docker.info(), timeoutMs)) as { MemTotal?: number };
    memoryBytes = Number(info?.MemTotal ?? 0);
  } catch (error) {
    if (error instanceof DeLabError && error.code === 'E_ENGINES') throw error;
    if ((error as { code?: string }).code === 'ESSH') throw sshFailed(spec.name, (error as { reason?: string }).reason);
    throw usage(
      `Engine ${spec.name} does not answer.`,
      `엔진 ${josa(spec.name, '이/가')} 응답하지 않습니다.`,
      {
        en: `Start it or check that this machine reaches it (\`docker --host … info\`), or drop it from --engines.`,
        ko: `엔진을 시작하거나 이 컴퓨터에서 닿는지 확인하거나(\`docker --host … info\`), --engines에서 빼세요.`,
      },
      error,
    );
  }
  await requireComposeFor(spec.name, client.env);
  bindCliEnv(client.docker, client.env);
  const cap = defaultSlots(memoryBytes, perLearnerBytes);
  return {
    name: spec.name,
    host: client.host,
    docker: client.docker,
    env: client.env,
    memoryBytes,
    slots: spec.slots === undefined ? cap : Math.min(spec.slots, cap),
    asked: spec.slots,
  };
}

/** Every engine of the list, checked before anything is graded. */
export async function resolveEngines(
  specs: EngineSpec[],
  perLearnerBytes: number,
  fallback: DefaultEngine,
): Promise<PoolEngine[]> {
  return Promise.all(specs.map((spec) => resolveEngine(spec, perLearnerBytes, fallback)));
}
