import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import { pack } from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { EngineMirror, MIRROR_BASE, enginePath, mirrorFor } from '../../src/stack/engines/mirror.js';
import { innerName, sha1, writePulled } from '../../src/stack/engines/mirror-pull.js';
import { mirrorOverride } from '../../src/stack/engines/mirror-compose.js';
import { useContext } from '../../src/cli/context.js';
import { remoteNote, tunnelCommand } from '../../src/stack/engines/remote-note.js';
import { rejected } from '../helpers/thrown.js';
import { tempDir } from '../helpers/temp.js';

type Entry = { name: string; type?: 'file' | 'directory' | 'symlink'; data?: string; linkname?: string };

/** An archive as the Engine API returns one for `<folder>`: the folder's name first. */
function archive(entries: Entry[]): NodeJS.ReadableStream {
  const tar = pack();
  for (const e of entries) {
    if (e.type === 'file' || e.type === undefined) tar.entry({ name: e.name, mode: 0o644 }, e.data ?? '');
    else tar.entry({ name: e.name, type: e.type, linkname: e.linkname, mode: 0o755 });
  }
  tar.finalize();
  return Readable.from(tar as unknown as AsyncIterable<Buffer>);
}

const docker = {} as Dockerode;

describe('the engine mirror: paths', () => {
  it('puts a path of this machine under one root per user and machine, and leaves local engines alone', () => {
    const mirror = new EngineMirror(docker, 'ssh://ta@vm', 'ta@laptop');
    expect(mirror.root).toMatch(new RegExp(`^${MIRROR_BASE}/[0-9a-f]{16}$`));
    expect(mirror.path('/home/ta/de-lab/day2')).toBe(`${mirror.root}/home/ta/de-lab/day2`);
    expect(new EngineMirror(docker, 'ssh://ta@vm', 'bo@laptop').root).not.toBe(mirror.root);
    const local = {} as Dockerode;
    expect(mirrorFor(local, 'unix:///var/run/docker.sock')).toBeUndefined();
    expect(enginePath(local, '/home/ta/x')).toBe('/home/ta/x');
    const remote = {} as Dockerode;
    expect(mirrorFor(remote, 'tcp://10.0.0.5:2376')).toBeDefined();
    expect(enginePath(remote, '/home/ta/x')).toMatch(new RegExp(`^${MIRROR_BASE}/[0-9a-f]{16}/home/ta/x$`));
  });

  it('moves every bind mount of a stack onto the mirror, by target, and lists the folders to carry', () => {
    const mirror = new EngineMirror(docker, 'ssh://ta@vm', 'ta@laptop');
    const { yaml, sources } = mirrorOverride(
      [
        { service: 'fluentd', mount: { type: 'bind', source: '/ws/day2', target: '/fluentd/work/day2' } },
        { service: 'fluentd', mount: { type: 'bind', source: '/labs/day2/gen', target: '/opt/gen', read_only: true } },
        { service: 'agg', mount: { type: 'bind', source: '/labs/day2/gen', target: '/opt/gen', read_only: true } },
      ],
      mirror,
    );
    expect(sources).toEqual(['/ws/day2', '/labs/day2/gen']);
    expect(yaml).toContain(`source: ${mirror.root}/ws/day2\n        target: /fluentd/work/day2`);
    expect(yaml).toContain('read_only: true');
    expect(yaml).not.toMatch(/source: \/labs/);
  });
});

describe('the engine mirror: what comes back', () => {
  it('names entries inside the folder only', () => {
    expect(innerName('day7/out/a.csv')).toBe('out/a.csv');
    expect(innerName('day7')).toBeUndefined();
    expect(innerName('day7/../../etc/passwd')).toBeUndefined();
    expect(innerName('/etc/passwd')).toBeUndefined();
  });

  it('takes files and folders, never a link, and never writes through a link that is here', async () => {
    const base = tempDir('de-lab-pull-');
    const outside = tempDir('de-lab-pull-outside-');
    symlinkSync(outside, join(base, 'planted'));
    const stats = await writePulled(
      archive([
        { name: 'x/', type: 'directory' },
        { name: 'x/out/', type: 'directory' },
        { name: 'x/out/a.csv', data: 'n\n1\n' },
        { name: 'x/link', type: 'symlink', linkname: '/etc/passwd' },
        { name: 'x/planted/evil.txt', data: 'evil' },
      ]),
      base,
      'scratch',
      new Map(),
    );
    expect(readFileSync(join(base, 'out', 'a.csv'), 'utf8')).toBe('n\n1\n');
    expect(stats.refused.sort()).toEqual(['link', 'planted/evil.txt']);
    expect(() => readFileSync(join(outside, 'evil.txt'))).toThrow();
  });

  it('after run, keeps a file the learner changed meanwhile and brings back the ones they did not', async () => {
    const base = tempDir('de-lab-pull-');
    mkdirSync(join(base, 'out'));
    writeFileSync(join(base, 'job.py'), 'edited while it ran');
    writeFileSync(join(base, 'out', 'old.csv'), 'pushed');
    const pushed = new Map([
      [join(base, 'job.py'), sha1(Buffer.from('as pushed'))],
      [join(base, 'out', 'old.csv'), sha1(Buffer.from('pushed'))],
    ]);
    const stats = await writePulled(
      archive([
        { name: 'x/job.py', data: 'the engine changed it' },
        { name: 'x/out/old.csv', data: 'rewritten by the program' },
        { name: 'x/out/new.csv', data: 'new' },
      ]),
      base,
      'outputs',
      pushed,
    );
    expect(stats.kept).toEqual(['job.py']);
    expect(readFileSync(join(base, 'job.py'), 'utf8')).toBe('edited while it ran');
    expect(readFileSync(join(base, 'out', 'old.csv'), 'utf8')).toBe('rewritten by the program');
    expect(readFileSync(join(base, 'out', 'new.csv'), 'utf8')).toBe('new');
  });

  it('stops at its limits with one sentence', async () => {
    const base = tempDir('de-lab-pull-');
    const big = archive([{ name: 'x/a', data: 'a'.repeat(100) }]);
    const error = await rejected(writePulled(big, base, 'scratch', new Map(), { maxTotalBytes: 10 }));
    expect((error as Error).message).toMatch(
      /larger than 10 bytes or 100000 entries, so de-lab did not copy the rest back\.$/,
    );
  });
});

describe('--context and config context', () => {
  it('points the process at a context that exists, the flag over DOCKER_HOST, the config under it', async () => {
    const config = tempDir('de-lab-ctx-');
    const env: NodeJS.ProcessEnv = { DOCKER_CONFIG: config, DOCKER_HOST: 'tcp://x:1' };
    useContext('default', false, env);
    expect(env).toMatchObject({ DOCKER_HOST: 'tcp://x:1' });
    useContext('default', true, env);
    expect(env.DOCKER_HOST).toBeUndefined();
    expect(env.DOCKER_CONTEXT).toBe('default');
    expect(() => useContext('lab-vm', true, env)).toThrow(/^There is no Docker context named lab-vm\.$/);
  });
});

describe('the addresses of a stack on another machine', () => {
  it('gives the ssh tunnel that brings its ports here, and nothing for this machine', () => {
    const lab = { id: 'day2', ports: [{ port: 9880 }, { port: 24224 }] } as Parameters<typeof remoteNote>[1];
    expect(tunnelCommand('ssh://ta@lab-vm:2222', [9880, 24224])).toBe(
      'ssh -N -p 2222 -L 9880:127.0.0.1:9880 -L 24224:127.0.0.1:24224 ta@lab-vm',
    );
    expect(tunnelCommand('tcp://10.0.0.5:2376', [9880])).toBe('ssh -N -L 9880:127.0.0.1:9880 <user>@10.0.0.5');
    expect(remoteNote('unix:///var/run/docker.sock', lab)).toBeUndefined();
    const note = remoteNote('ssh://ta@lab-vm', lab)!;
    expect(note.tunnel).toBe('ssh -N -L 9880:127.0.0.1:9880 -L 24224:127.0.0.1:24224 ta@lab-vm');
    expect(note.text.en).toContain('its ports are that machine');
  });
});
