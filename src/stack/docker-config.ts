import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The docker CLI's config folder: DOCKER_CONFIG, else ~/.docker. */
export function dockerConfigDir(env: NodeJS.ProcessEnv): string {
  return env.DOCKER_CONFIG && env.DOCKER_CONFIG !== '' ? env.DOCKER_CONFIG : join(homedir(), '.docker');
}

/** Where the CLI keeps a context's metadata: under the SHA-256 of its name. */
export function contextMetaPath(name: string, env: NodeJS.ProcessEnv): string {
  return join(dockerConfigDir(env), 'contexts', 'meta', createHash('sha256').update(name).digest('hex'), 'meta.json');
}

/** Whether the docker CLI knows a context of this name (`default` always exists). */
export function contextExists(name: string, env: NodeJS.ProcessEnv = process.env): boolean {
  return name === 'default' || existsSync(contextMetaPath(name, env));
}
