import { execa } from 'execa';
import type Dockerode from 'dockerode';
import { readImageFile } from '../stack/sandbox/containers.js';
import type { ClientOutputs } from './registries.js';

/** Asks pip itself (not a copy of its defaults): its merged configuration and its built-in index. */
const PIP_SNIPPET = [
  'import json',
  'from pip._internal.configuration import Configuration',
  'from pip._internal.models.index import PyPI',
  'c = Configuration(isolated=False)',
  'c.load()',
  'print(json.dumps({"config": dict(c.items()), "default": PyPI.simple_url}))',
].join('\n');

/** Where a Debian base image keeps its apt sources (deb822 since bookworm, one-line before). */
const APT_FILES = ['/etc/apt/sources.list.d/debian.sources', '/etc/apt/sources.list'];

async function stdout(file: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number) {
  const result = await execa(file, args, { env, timeout: timeoutMs, reject: false, stdin: 'ignore' });
  return result.exitCode === 0 && !result.failed ? result.stdout : undefined;
}

function once<T>(ask: () => Promise<T>): () => Promise<T> {
  let answer: Promise<T> | undefined;
  return () => (answer ??= ask());
}

/**
 * The clients of this machine, each asked once: npm and pip on the host, gem when it is here,
 * and the base image's apt sources read through the engine (the image is never started).
 */
export function hostClients(docker: Dockerode | undefined, env: NodeJS.ProcessEnv = process.env, timeoutMs = 8000) {
  const images = new Map<string, Promise<string | undefined>>();
  const python = async () =>
    (await stdout('python3', ['-c', PIP_SNIPPET], env, timeoutMs)) ??
    (await stdout('python', ['-c', PIP_SNIPPET], env, timeoutMs));
  const clients: ClientOutputs = {
    npmRegistry: once(() => stdout('npm', ['config', 'get', 'registry'], env, timeoutMs)),
    pipConfig: once(python),
    gemSources: once(() => stdout('gem', ['sources', '--list'], env, timeoutMs)),
    aptSources: (image) => {
      if (!images.has(image)) images.set(image, docker ? readAptSources(docker, image) : Promise.resolve(undefined));
      return images.get(image)!;
    },
  };
  return clients;
}

async function readAptSources(docker: Dockerode, image: string): Promise<string | undefined> {
  const present = await docker
    .getImage(image)
    .inspect()
    .then(() => true)
    .catch(() => false);
  if (!present) return undefined;
  const texts = await Promise.all(APT_FILES.map((path) => readImageFile(docker, image, path)));
  return texts.filter((text) => text !== undefined).join('\n\n');
}
