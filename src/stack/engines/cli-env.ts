import type Dockerode from 'dockerode';

/**
 * The environment that makes the docker CLI (compose, build) talk to the same engine as a
 * dockerode client. Kept with the client itself, so code that is handed a client runs its CLI
 * commands on that engine without a global: a client of no engine pool uses the process's own.
 */
const envs = new WeakMap<Dockerode, NodeJS.ProcessEnv>();

export function bindCliEnv(docker: Dockerode, env: NodeJS.ProcessEnv): void {
  envs.set(docker, env);
}

export function cliEnv(docker: Dockerode | undefined): NodeJS.ProcessEnv {
  return (docker && envs.get(docker)) ?? process.env;
}

/** The CLI environment for an engine URL or a context name (the other way of choosing one is unset). */
export function engineCliEnv(
  target: { kind: 'default' } | { kind: 'url'; host: string } | { kind: 'context'; context: string },
  base: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  if (target.kind === 'default') return base;
  const env = { ...base };
  delete env.DOCKER_HOST;
  delete env.DOCKER_CONTEXT;
  if (target.kind === 'url') {
    delete env.DOCKER_TLS_VERIFY;
    delete env.DOCKER_CERT_PATH;
    env.DOCKER_HOST = target.host;
  } else env.DOCKER_CONTEXT = target.context;
  return env;
}
