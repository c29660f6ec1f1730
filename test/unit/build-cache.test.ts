import { utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import { describe, expect, it } from 'vitest';
import { chainsToDrop, engineKey, readChains, recordChain } from '../../src/stack/sandbox/build-cache.js';
import { tempDir } from '../helpers/temp.js';

const chain = (n: number, engine = 'default') => ({ engine, ids: [`sha256:${String(n).padStart(64, '0')}`] });

describe('the build-cache records of check images', () => {
  it('keeps the newest chains of one engine and drops the older ones; other engines are not counted', () => {
    const dir = tempDir('build-cache-');
    for (let n = 1; n <= 5; n++) {
      recordChain(dir, chain(n));
      const when = new Date(Date.now() - (10 - n) * 60_000);
      const records = readChains(dir);
      utimesSync(records.find((r) => r.chain.ids[0] === chain(n).ids[0])!.file, when, when);
    }
    recordChain(dir, chain(9, '/run/other.sock'));
    const drop = chainsToDrop(readChains(dir), 'default', 3);
    expect(drop.map((r) => r.chain.ids[0])).toEqual([chain(2).ids[0], chain(1).ids[0]]);
    expect(chainsToDrop(readChains(dir), '/run/other.sock', 0)).toHaveLength(1);
  });

  it('records a chain used again as the newest, once', () => {
    const dir = tempDir('build-cache-');
    recordChain(dir, chain(1));
    const old = new Date(Date.now() - 3_600_000);
    utimesSync(readChains(dir)[0]!.file, old, old);
    recordChain(dir, chain(2));
    recordChain(dir, chain(1));
    const records = readChains(dir);
    expect(records.map((r) => r.chain.ids[0])).toEqual([chain(1).ids[0], chain(2).ids[0]]);
  });

  it('drops unreadable records and writes none for an image without untagged parents', () => {
    const dir = tempDir('build-cache-');
    writeFileSync(join(dir, 'junk'), '{not json');
    writeFileSync(join(dir, 'empty'), JSON.stringify({ engine: 'default', ids: [] }));
    recordChain(dir, { engine: 'default', ids: [] });
    expect(readChains(dir)).toEqual([]);
  });

  it('names the engine by its socket, its host, or the default', () => {
    const of = (modem: object) => engineKey({ modem } as unknown as Dockerode);
    expect(of({ socketPath: '/run/a.sock' })).toBe('/run/a.sock');
    expect(of({ socketPath: () => '/var/run/docker.sock' })).toBe('default');
    expect(of({ host: '10.0.0.2', port: 2376 })).toBe('10.0.0.2:2376');
  });
});
