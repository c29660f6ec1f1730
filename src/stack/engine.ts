import { josa } from '../i18n/josa.js';
import type Dockerode from 'dockerode';
import { DeLabError, errorMessage } from '../core/errors.js';
import { tr } from '../i18n/lang.js';
import { modemOptions, resolveEndpoint, type EngineEndpoint } from './endpoint.js';

export type EngineProblem = 'not-running' | 'permission-denied' | 'unreachable' | 'bad-address' | 'ssh' | 'error';

/** Sorts a failed connection into what the learner has to do about it. */
export function classifyEngineError(error: unknown): EngineProblem {
  const code = (error as { code?: string })?.code ?? '';
  const message = errorMessage(error);
  // An ssh:// engine whose `ssh … docker system dial-stdio` failed (ssh-dial.ts): ssh says why.
  if (code === 'ESSH') return 'ssh';
  if (code === 'EACCES' || code === 'EPERM' || /permission denied/i.test(message)) return 'permission-denied';
  if (code === 'ENOENT' || code === 'ECONNREFUSED' || code === 'ECONNRESET' || /ENOENT|ECONNREFUSED/.test(message))
    return 'not-running';
  if (['ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH'].includes(code)) return 'unreachable';
  if (/unsupported engine address|Invalid URL/i.test(message)) return 'bad-address';
  return 'error';
}

/** One sentence of what to do, per problem and platform. */
export function engineFix(
  problem: EngineProblem,
  endpoint: EngineEndpoint,
  platform: NodeJS.Platform = process.platform,
): string {
  const desktop = platform === 'darwin' || platform === 'win32';
  const host = endpoint.host;
  switch (problem) {
    case 'not-running':
      if (endpoint.source !== 'default') {
        return tr({
          en: `Start the engine behind ${host} (set by ${endpoint.source}), or unset it to use the local engine.`,
          ko: `${josa(endpoint.source, '이/가')} 가리키는 ${host}의 엔진을 시작하거나, 그 설정을 지워 로컬 엔진을 쓰세요.`,
        });
      }
      return desktop
        ? tr({
            en: 'Start Docker Desktop and wait until it reports that the engine is running, then run this again.',
            ko: 'Docker Desktop을 실행하고 엔진이 실행 중이라고 표시될 때까지 기다린 뒤 다시 실행하세요.',
          })
        : tr({
            en: 'Start the engine with `sudo systemctl start docker` (or `sudo service docker start`), then run this again.',
            ko: '`sudo systemctl start docker`(또는 `sudo service docker start`)로 엔진을 시작한 뒤 다시 실행하세요.',
          });
    case 'permission-denied':
      if (platform === 'win32') {
        return tr({
          en: 'Add your Windows user to the docker-users group (then sign out and in), or run the terminal as that user.',
          ko: 'Windows 사용자를 docker-users 그룹에 추가하고 다시 로그인하거나, 그 사용자로 터미널을 실행하세요.',
        });
      }
      if (platform === 'darwin') {
        return tr({
          en: 'Docker Desktop → Settings → Advanced: allow the default Docker socket, then restart Docker Desktop.',
          ko: 'Docker Desktop → Settings → Advanced에서 기본 Docker 소켓 사용을 허용하고 Docker Desktop을 다시 시작하세요.',
        });
      }
      return tr({
        en: 'Add yourself to the docker group with `sudo usermod -aG docker $USER`, then log out and back in (or run `newgrp docker`).',
        ko: '`sudo usermod -aG docker $USER`로 docker 그룹에 들어간 뒤 다시 로그인하세요(또는 `newgrp docker`).',
      });
    case 'unreachable':
      return tr({
        en: `Check that ${host} is reachable from this machine (VPN, firewall, host name), or unset DOCKER_HOST to use the local engine.`,
        ko: `이 컴퓨터에서 ${host}에 닿는지(VPN, 방화벽, 호스트 이름) 확인하거나, DOCKER_HOST를 지워 로컬 엔진을 쓰세요.`,
      });
    case 'ssh': {
      const back = endpoint.source.startsWith('context:')
        ? { en: 'run `docker context use default`', ko: '`docker context use default`를 실행해' }
        : { en: 'unset DOCKER_HOST', ko: 'DOCKER_HOST를 지워' };
      return tr({
        en: `Check that \`ssh ${sshTarget(host)} docker version\` works from this machine (key, known host key, Docker on that host), or ${back.en} to use the local engine.`,
        ko: `이 컴퓨터에서 \`ssh ${sshTarget(host)} docker version\`이 되는지(키, 알려진 호스트 키, 그 호스트의 Docker) 확인하거나, ${back.ko} 로컬 엔진을 쓰세요.`,
      });
    }
    case 'bad-address':
      return tr({
        en: `Fix the engine address ${host} (${endpoint.source}); it must look like unix:///var/run/docker.sock, tcp://host:2376 or ssh://user@host.`,
        ko: `엔진 주소 ${host}(${endpoint.source})를 고치세요. unix:///var/run/docker.sock, tcp://host:2376, ssh://user@host 형태여야 합니다.`,
      });
    default:
      return tr({
        en: 'Run `docker info` to see what the engine says, and fix that first.',
        ko: '`docker info`로 엔진이 보고하는 문제를 확인하고 먼저 해결하세요.',
      });
  }
}

/** `user@host` (and `-p port`) of an ssh:// address, as `ssh` takes them. */
function sshTarget(host: string): string {
  try {
    const url = new URL(host);
    const who = `${url.username ? `${decodeURIComponent(url.username)}@` : ''}${url.hostname}`;
    return url.port ? `-p ${url.port} ${who}` : who;
  } catch {
    return host;
  }
}

/** `said`: what the engine's transport said (ssh's last line), for the problems that have it. */
export function engineProblemSentence(problem: EngineProblem, endpoint: EngineEndpoint, said?: string): string {
  const host = endpoint.host;
  switch (problem) {
    case 'ssh': {
      const reason = (said ?? '').replace(/\.$/, '') || 'no message';
      return tr({
        en: `The Docker engine at ${host} does not answer over ssh (${reason}).`,
        ko: `${host}의 Docker 엔진이 ssh로 응답하지 않습니다(${reason}).`,
      });
    }
    case 'not-running':
      return tr({
        en: `The Docker engine is not running (nothing answers at ${host}).`,
        ko: `Docker 엔진이 실행 중이 아닙니다(${host}에서 응답이 없음).`,
      });
    case 'permission-denied':
      return tr({
        en: `You are not allowed to use the Docker engine at ${host} (permission denied on the socket).`,
        ko: `${host}의 Docker 엔진을 사용할 권한이 없습니다(소켓 권한 거부).`,
      });
    case 'unreachable':
      return tr({
        en: `The Docker engine at ${host} cannot be reached.`,
        ko: `${host}의 Docker 엔진에 연결할 수 없습니다.`,
      });
    case 'bad-address':
      return tr({
        en: `The Docker engine address ${host} is not understood.`,
        ko: `Docker 엔진 주소 ${josa(host, '을/를')} 해석할 수 없습니다.`,
      });
    default:
      return tr({
        en: `The Docker engine at ${host} did not answer properly.`,
        ko: `${host}의 Docker 엔진이 제대로 응답하지 않았습니다.`,
      });
  }
}

export interface Engine {
  docker: Dockerode;
  endpoint: EngineEndpoint;
}

let cached: Engine | undefined;

/** A dockerode client for the engine the docker CLI would use. Loaded lazily: dockerode is heavy. */
export async function engine(env: NodeJS.ProcessEnv = process.env): Promise<Engine> {
  if (cached && env === process.env) return cached;
  const endpoint = resolveEndpoint(env);
  const { default: Docker } = await import('dockerode');
  let docker: Dockerode;
  try {
    docker = new Docker({ ...modemOptions(endpoint.host, env), timeout: 0 } as Dockerode.DockerOptions);
  } catch (error) {
    throw new DeLabError(engineProblemSentence('bad-address', endpoint), {
      hint: engineFix('bad-address', endpoint),
      code: 'E_ENGINE',
      cause: error,
    });
  }
  const result = { docker, endpoint };
  if (env === process.env) cached = result;
  return result;
}

/** A client for one engine of a pool (`--engines`): an address, with TLS files from `env` when it says so. */
export async function engineClient(host: string, env: NodeJS.ProcessEnv): Promise<Dockerode> {
  const { default: Docker } = await import('dockerode');
  return new Docker({ ...modemOptions(host, env), timeout: 0 } as Dockerode.DockerOptions);
}

/** Pings the engine with a deadline; throws a DeLabError that says what to do. */
export async function requireEngine(env: NodeJS.ProcessEnv = process.env, timeoutMs = 5000): Promise<Engine> {
  const result = await engine(env);
  try {
    await withTimeout(result.docker.ping(), timeoutMs, 'ETIMEDOUT');
  } catch (error) {
    const problem = classifyEngineError(error);
    throw new DeLabError(engineProblemSentence(problem, result.endpoint, (error as { reason?: string }).reason), {
      hint: engineFix(problem, result.endpoint),
      code: 'E_ENGINE',
      cause: error,
    });
  }
  return result;
}

export function withTimeout<T>(promise: Promise<T>, ms: number, code = 'ETIMEDOUT'): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`timed out after ${ms} ms`), { code })), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
