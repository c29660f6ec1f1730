import { existsSync, readFileSync } from 'node:fs';
import type { Agent } from 'node:http';
import { join } from 'node:path';
import { sshAgent } from './ssh-dial.js';
import { contextMetaPath, dockerConfigDir } from './docker-config.js';

/** Where the Docker engine is, and why de-lab thinks so. */
export interface EngineEndpoint {
  host: string;
  source: 'DOCKER_HOST' | `context:${string}` | 'default';
}

export function defaultHost(platform: NodeJS.Platform = process.platform): string {
  return platform === 'win32' ? 'npipe:////./pipe/docker_engine' : 'unix:///var/run/docker.sock';
}

function readJson(path: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** The engine address the docker CLI would use: DOCKER_HOST, then DOCKER_CONTEXT / the current context, then the default socket. */
export function resolveEndpoint(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): EngineEndpoint {
  if (env.DOCKER_HOST && env.DOCKER_HOST.trim() !== '') return { host: env.DOCKER_HOST.trim(), source: 'DOCKER_HOST' };
  const configDir = dockerConfigDir(env);
  const context =
    env.DOCKER_CONTEXT || (readJson(join(configDir, 'config.json'))?.currentContext as string | undefined);
  if (context && context !== 'default') {
    const endpoints = readJson(contextMetaPath(context, env))?.Endpoints as
      | Record<string, { Host?: string }>
      | undefined;
    const host = endpoints?.docker?.Host;
    if (host) return { host, source: `context:${context}` };
  }
  return { host: defaultHost(platform), source: 'default' };
}

export interface ModemOptions {
  socketPath?: string;
  host?: string;
  port?: number | string;
  protocol?: 'http' | 'https';
  /** ssh:// engines: connections made by `ssh … docker system dial-stdio`, as the docker CLI makes them. */
  agent?: Agent;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

/**
 * Turns an engine address into dockerode/docker-modem connection options. An ssh:// address runs
 * the system's `ssh` (with `env`), not docker-modem's own ssh client: that one reads neither the
 * ssh config nor known_hosts, so it would accept any host key and miss the keys and options that
 * `docker` and `docker compose` use for the same engine.
 */
export function modemOptions(host: string, env: NodeJS.ProcessEnv = process.env): ModemOptions {
  if (host.startsWith('unix://')) return { socketPath: host.slice('unix://'.length) };
  if (host.startsWith('npipe://')) return { socketPath: host.slice('npipe://'.length).replace(/\//g, '\\') };
  const url = new URL(host);
  if (url.protocol === 'ssh:') {
    // The host name only fills the HTTP Host header: the agent's connection is already the engine.
    return { protocol: 'http', host: 'docker', agent: sshAgent(host, { ...process.env, ...env }) };
  }
  if (url.protocol === 'tcp:' || url.protocol === 'http:' || url.protocol === 'https:') {
    const tls =
      url.protocol === 'https:' ||
      (env.DOCKER_TLS_VERIFY !== undefined && env.DOCKER_TLS_VERIFY !== '' && env.DOCKER_TLS_VERIFY !== '0');
    const options: ModemOptions = {
      host: url.hostname,
      port: url.port || (tls ? 2376 : 2375),
      protocol: tls ? 'https' : 'http',
    };
    const certPath = env.DOCKER_CERT_PATH;
    if (tls && certPath) {
      for (const [field, file] of [
        ['ca', 'ca.pem'],
        ['cert', 'cert.pem'],
        ['key', 'key.pem'],
      ] as const) {
        const path = join(certPath, file);
        if (existsSync(path)) options[field] = readFileSync(path);
      }
    }
    return options;
  }
  throw new Error(`unsupported engine address ${host}`);
}
