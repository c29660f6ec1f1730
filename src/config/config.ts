import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';

// yaml is loaded only when a config file is read or written: most commands start without one,
// and loading the library is a large share of de-lab's start-up time.
const yaml = () => createRequire(import.meta.url)('yaml') as typeof import('yaml');
import { DeLabError, EXIT, errorMessage } from '../core/errors.js';
import { configFile } from '../core/paths.js';
import { CONFIG_KEYS, configKey, type ConfigName, type Lang } from './keys.js';

export type Origin = 'default' | 'file' | `env:${string}` | 'flag';

export interface Config {
  imagePrefix: string;
  caFile: string;
  /** Offline package folder for image builds; '' to install from the registries. */
  packages: string;
  lang: Lang;
  workspace: string;
  /** `de-lab grade --engines`' default: '' for the one engine de-lab uses. */
  engines: string;
  /** The Docker context whose engine runs the learner's stacks; '' for DOCKER_HOST, DOCKER_CONTEXT or docker's current context. */
  context: string;
}

export interface ResolvedConfig {
  values: Config;
  origins: Record<ConfigName, Origin>;
  file: string;
}

export type ConfigOverrides = Partial<Record<ConfigName, string | undefined>>;

/** Language from the POSIX locale variables: ko_KR.UTF-8 → ko, anything else → en. */
export function langFromLocale(env: NodeJS.ProcessEnv): Lang {
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return locale.toLowerCase().startsWith('ko') ? 'ko' : 'en';
}

export function defaults(env: NodeJS.ProcessEnv): Config {
  return {
    imagePrefix: 'de-lab',
    caFile: '',
    packages: '',
    lang: langFromLocale(env),
    workspace: join(homedir(), 'de-lab'),
    engines: '',
    context: '',
  };
}

/** Reads the YAML config file; a missing file is an empty config. */
export function readConfigFile(path: string): ConfigOverrides {
  if (!existsSync(path)) return {};
  let data: unknown;
  try {
    data = yaml().parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new DeLabError(`The config file ${path} is not valid YAML (${errorMessage(error)}).`, {
      hint: `Fix or delete ${path}, or rewrite a value with \`de-lab config set KEY VALUE\`.`,
      code: 'E_CONFIG',
    });
  }
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new DeLabError(`The config file ${path} must hold a mapping of settings.`, {
      hint: `Delete ${path} and set values again with \`de-lab config set\`.`,
      code: 'E_CONFIG',
    });
  }
  const result: ConfigOverrides = {};
  for (const [name, value] of Object.entries(data as Record<string, unknown>)) {
    if (!configKey(name)) continue; // a newer de-lab may have written it; ignore rather than fail
    result[name as ConfigName] = value === null || value === undefined ? '' : String(value);
  }
  return result;
}

/**
 * Merges defaults < file < DE_LAB_* environment < flags, validating each layer's values.
 * An extra CA also comes from SSL_CERT_FILE / NODE_EXTRA_CA_CERTS when nothing else names one.
 */
export function resolveConfig(input: {
  env: NodeJS.ProcessEnv;
  file: ConfigOverrides;
  flags: ConfigOverrides;
  path: string;
}): ResolvedConfig {
  const values = defaults(input.env) as unknown as Record<ConfigName, string>;
  const origins = Object.fromEntries(CONFIG_KEYS.map((key) => [key.name, 'default'])) as Record<ConfigName, Origin>;
  const layers: Array<[Origin | 'env', ConfigOverrides]> = [
    ['file', input.file],
    ['env', Object.fromEntries(CONFIG_KEYS.map((key) => [key.name, input.env[key.env]]))],
    ['flag', input.flags],
  ];
  for (const [layer, overrides] of layers) {
    for (const key of CONFIG_KEYS) {
      const raw = overrides[key.name];
      if (raw === undefined || (layer === 'env' && raw === '')) continue;
      const origin: Origin = layer === 'env' ? `env:${key.env}` : layer;
      try {
        values[key.name] = key.validate(raw);
      } catch (error) {
        const where = layer === 'file' ? `in ${input.path}` : layer === 'env' ? `in ${key.env}` : `given as a flag`;
        throw new DeLabError(`The setting ${key.name} ${where} is invalid: ${errorMessage(error)}.`, {
          hint: key.allowed
            ? `Use one of: ${key.allowed.join(', ')}.`
            : `Correct it, or run \`de-lab config set ${key.name} VALUE\`.`,
          code: 'E_CONFIG',
        });
      }
      origins[key.name] = origin;
    }
  }
  if (values.caFile === '' && origins.caFile === 'default') {
    for (const name of ['SSL_CERT_FILE', 'NODE_EXTRA_CA_CERTS']) {
      const path = input.env[name];
      if (!path) continue;
      try {
        values.caFile = CONFIG_KEYS.find((key) => key.name === 'caFile')!.validate(path);
        origins.caFile = `env:${name}`;
        break;
      } catch {
        // A stale variable pointing nowhere must not break every command; doctor reports it.
      }
    }
  }
  return { values: values as unknown as Config, origins, file: input.path };
}

export function loadConfig(flags: ConfigOverrides = {}, env: NodeJS.ProcessEnv = process.env): ResolvedConfig {
  const path = configFile(env);
  return resolveConfig({ env, file: readConfigFile(path), flags, path });
}

/** Validates and stores one value; an empty value removes the key. Written atomically. */
export function setConfigValue(
  name: string,
  value: string,
  env: NodeJS.ProcessEnv = process.env,
): { path: string; value: string } {
  const key = configKey(name);
  if (!key) {
    throw new DeLabError(`There is no setting called "${name}".`, {
      hint: `Settings: ${CONFIG_KEYS.map((k) => k.name).join(', ')}.`,
      code: 'E_CONFIG',
      exitCode: EXIT.usage,
    });
  }
  let normalised = '';
  if (value !== '') {
    try {
      normalised = key.validate(value);
    } catch (error) {
      throw new DeLabError(`"${value}" is not a valid ${name}: ${errorMessage(error)}.`, {
        hint: key.allowed ? `Use one of: ${key.allowed.join(', ')}.` : key.description + '.',
        code: 'E_CONFIG',
        exitCode: EXIT.usage,
      });
    }
  }
  const path = configFile(env);
  const current = readConfigFile(path) as Record<string, string>;
  if (normalised === '') delete current[name];
  else current[name] = normalised;
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, yaml().stringify(current));
  renameSync(temp, path);
  return { path, value: normalised };
}
