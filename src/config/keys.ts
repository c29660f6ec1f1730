import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEngines } from './engines.js';

/** One setting of the user config: how to read it from env, how to validate it. */
export interface ConfigKey {
  name: ConfigName;
  env: string;
  description: string;
  /** Allowed values, when the set is closed. */
  allowed?: readonly string[];
  /** Returns the normalised value, or throws an Error whose message says what is allowed. */
  validate(value: string): string;
}

export type ConfigName = 'imagePrefix' | 'caFile' | 'packages' | 'lang' | 'workspace' | 'engines' | 'context';

export const LANGS = ['en', 'ko'] as const;
export type Lang = (typeof LANGS)[number];

// A Docker repository prefix: optional registry host[:port]/, then lowercase path components.
const IMAGE_PREFIX = /^([a-zA-Z0-9.-]+(:[0-9]+)?\/)?[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/;

export function validateCaFile(value: string): string {
  if (value === '') return '';
  const path = resolve(value);
  if (!existsSync(path) || !statSync(path).isFile()) throw new Error(`no file at ${path}`);
  if (!readFileSync(path, 'utf8').includes('-----BEGIN CERTIFICATE-----')) {
    throw new Error(`${path} holds no PEM certificate (expected "-----BEGIN CERTIFICATE-----")`);
  }
  return path;
}

/** An offline package folder (gems/, npm/ …) that image builds install from instead of the gem and npm registries. */
export function validatePackagesDir(value: string): string {
  if (value === '') return '';
  const path = resolve(value);
  if (!existsSync(path) || !statSync(path).isDirectory()) throw new Error(`no folder at ${path}`);
  return path;
}

export const CONFIG_KEYS: readonly ConfigKey[] = [
  {
    name: 'imagePrefix',
    env: 'DE_LAB_IMAGE_PREFIX',
    description: 'Repository prefix of the lab images, e.g. de-lab or registry.example.com/course',
    validate(value) {
      if (!IMAGE_PREFIX.test(value)) {
        throw new Error(
          'use lowercase letters, digits and . _ - separated by /, optionally after a registry host[:port]/',
        );
      }
      return value;
    },
  },
  {
    name: 'caFile',
    env: 'DE_LAB_CA_FILE',
    description: 'Extra CA bundle (PEM) trusted by image builds, for TLS-intercepting proxies; empty for none',
    validate: validateCaFile,
  },
  {
    name: 'packages',
    env: 'DE_LAB_PACKAGES',
    description:
      'Offline package folder (gems/, npm/) that image builds install from instead of the gem and npm registries; empty for the registries',
    validate: validatePackagesDir,
  },
  {
    name: 'lang',
    env: 'DE_LAB_LANG',
    description: 'Language of course text and messages',
    allowed: LANGS,
    validate(value) {
      if (!(LANGS as readonly string[]).includes(value)) throw new Error(`allowed values: ${LANGS.join(', ')}`);
      return value;
    },
  },
  {
    name: 'workspace',
    env: 'DE_LAB_WORKSPACE',
    description: 'Folder that holds your exercise files',
    validate(value) {
      if (value.trim() === '') throw new Error('give a folder path');
      return resolve(value);
    },
  },
  {
    name: 'engines',
    env: 'DE_LAB_ENGINES',
    description:
      'Docker engines `de-lab grade` spreads a class over: context names, default, or unix:// tcp:// ssh:// addresses, each with optional =slots; empty for the one engine',
    validate(value) {
      if (value.trim() === '') return '';
      return parseEngines(value)
        .map((e) => (e.slots === undefined ? e.name : `${e.name}=${e.slots}`))
        .join(',');
    },
  },
  {
    name: 'context',
    env: 'DE_LAB_CONTEXT',
    description:
      'Docker context whose engine runs your stacks, e.g. a VM over ssh (files are carried there); empty for DOCKER_HOST, DOCKER_CONTEXT or docker’s current context',
    validate(value) {
      const name = value.trim();
      if (name !== '' && !/^[a-zA-Z0-9][a-zA-Z0-9_.+-]*$/.test(name))
        throw new Error('use a Docker context name: letters, digits and _ . + -, as `docker context ls` lists them');
      return name;
    },
  },
];

export function configKey(name: string): ConfigKey | undefined {
  return CONFIG_KEYS.find((key) => key.name === name);
}
