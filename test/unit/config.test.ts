import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { langFromLocale, loadConfig, readConfigFile, resolveConfig, setConfigValue } from '../../src/config/config.js';
import { DeLabError } from '../../src/core/errors.js';
import { tempDir as madeTempDir } from '../helpers/temp.js';

const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

function tempDir(): string {
  return madeTempDir('de-lab-config-');
}

describe('config precedence', () => {
  it('takes defaults, then the file, then DE_LAB_* variables, then flags', () => {
    const base = { env: { LANG: 'C' }, file: {}, flags: {}, path: '/x.yaml' };
    expect(resolveConfig(base).values.imagePrefix).toBe('de-lab');
    expect(resolveConfig(base).origins.imagePrefix).toBe('default');

    const withFile = { ...base, file: { imagePrefix: 'file/prefix', lang: 'ko' } };
    expect(resolveConfig(withFile).values).toMatchObject({ imagePrefix: 'file/prefix', lang: 'ko' });
    expect(resolveConfig(withFile).origins.lang).toBe('file');

    const withEnv = { ...withFile, env: { ...base.env, DE_LAB_IMAGE_PREFIX: 'env/prefix' } };
    expect(resolveConfig(withEnv).values.imagePrefix).toBe('env/prefix');
    expect(resolveConfig(withEnv).origins.imagePrefix).toBe('env:DE_LAB_IMAGE_PREFIX');
    expect(resolveConfig(withEnv).values.lang).toBe('ko');

    const withFlag = { ...withEnv, flags: { imagePrefix: 'flag/prefix', lang: 'en' } };
    expect(resolveConfig(withFlag).values).toMatchObject({ imagePrefix: 'flag/prefix', lang: 'en' });
    expect(resolveConfig(withFlag).origins).toMatchObject({ imagePrefix: 'flag', lang: 'flag' });
  });

  it('ignores empty environment variables instead of blanking a value', () => {
    const resolved = resolveConfig({
      env: { DE_LAB_IMAGE_PREFIX: '' },
      file: { imagePrefix: 'kept' },
      flags: {},
      path: '/x',
    });
    expect(resolved.values.imagePrefix).toBe('kept');
  });

  it('rejects an invalid value and names where it came from and what is allowed', () => {
    expect(() => resolveConfig({ env: { DE_LAB_LANG: 'fr' }, file: {}, flags: {}, path: '/x' })).toThrowError(
      /lang in DE_LAB_LANG is invalid: allowed values: en, ko/,
    );
    expect(() =>
      resolveConfig({ env: {}, file: { imagePrefix: 'Bad Prefix' }, flags: {}, path: '/cfg.yaml' }),
    ).toThrowError(/imagePrefix in \/cfg.yaml/);
    try {
      resolveConfig({ env: {}, file: {}, flags: { lang: 'de' }, path: '/x' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(DeLabError);
      expect((error as DeLabError).hint).toBe('Use one of: en, ko.');
    }
  });

  it('accepts registry prefixes with a host and port', () => {
    const resolved = resolveConfig({
      env: {},
      file: {},
      flags: { imagePrefix: 'registry.example.com:5000/course' },
      path: '/x',
    });
    expect(resolved.values.imagePrefix).toBe('registry.example.com:5000/course');
  });

  it('falls back to SSL_CERT_FILE, then NODE_EXTRA_CA_CERTS, for the extra CA', () => {
    const dir = tempDir();
    const ca = join(dir, 'ca.pem');
    writeFileSync(ca, pem);
    expect(resolveConfig({ env: { NODE_EXTRA_CA_CERTS: ca }, file: {}, flags: {}, path: '/x' }).origins.caFile).toBe(
      'env:NODE_EXTRA_CA_CERTS',
    );
    expect(
      resolveConfig({ env: { SSL_CERT_FILE: ca, NODE_EXTRA_CA_CERTS: '/nope' }, file: {}, flags: {}, path: '/x' })
        .origins.caFile,
    ).toBe('env:SSL_CERT_FILE');
    // A CA configured in the file wins over the variables.
    const other = join(dir, 'other.pem');
    writeFileSync(other, pem);
    expect(
      resolveConfig({ env: { SSL_CERT_FILE: ca }, file: { caFile: other }, flags: {}, path: '/x' }).values.caFile,
    ).toBe(other);
    // A variable that points nowhere is ignored rather than breaking every command.
    expect(
      resolveConfig({ env: { SSL_CERT_FILE: join(dir, 'missing.pem') }, file: {}, flags: {}, path: '/x' }).values
        .caFile,
    ).toBe('');
  });

  it('rejects a CA file that holds no certificate', () => {
    const dir = tempDir();
    const notPem = join(dir, 'ca.txt');
    writeFileSync(notPem, 'hello');
    expect(() => resolveConfig({ env: {}, file: {}, flags: { caFile: notPem }, path: '/x' })).toThrowError(
      /holds no PEM certificate/,
    );
  });

  it('derives the language from the locale', () => {
    expect(langFromLocale({ LANG: 'ko_KR.UTF-8' })).toBe('ko');
    expect(langFromLocale({ LANG: 'en_US.UTF-8', LC_ALL: 'ko_KR.UTF-8' })).toBe('ko');
    expect(langFromLocale({})).toBe('en');
  });
});

describe('config file', () => {
  it('writes validated values atomically and reads them back; an empty value removes the key', () => {
    const dir = tempDir();
    const env = { DE_LAB_CONFIG: join(dir, 'sub', 'config.yaml') };
    setConfigValue('lang', 'ko', env);
    setConfigValue('workspace', 'relative/ws', env);
    const stored = readConfigFile(env.DE_LAB_CONFIG);
    expect(stored.lang).toBe('ko');
    expect(stored.workspace).toBe(join(process.cwd(), 'relative/ws'));
    expect(loadConfig({}, env).values.lang).toBe('ko');
    setConfigValue('lang', '', env);
    expect(readFileSync(env.DE_LAB_CONFIG, 'utf8')).not.toContain('lang');
  });

  it('refuses unknown keys and invalid values without touching the file', () => {
    const dir = tempDir();
    const env = { DE_LAB_CONFIG: join(dir, 'config.yaml') };
    setConfigValue('lang', 'en', env);
    const before = readFileSync(env.DE_LAB_CONFIG, 'utf8');
    expect(() => setConfigValue('colour', 'red', env)).toThrowError(/no setting called "colour"/);
    expect(() => setConfigValue('lang', 'fr', env)).toThrowError(/not a valid lang/);
    expect(readFileSync(env.DE_LAB_CONFIG, 'utf8')).toBe(before);
  });

  it('reports a broken YAML file with its path', () => {
    const dir = tempDir();
    const path = join(dir, 'config.yaml');
    writeFileSync(path, 'lang: [ko\n');
    expect(() => readConfigFile(path)).toThrowError(new RegExp(`${path} is not valid YAML`));
  });
});
