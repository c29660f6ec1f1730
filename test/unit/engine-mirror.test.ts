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
import { curlCommand, parseCurl } from '../../src/grading/kinds/http-on-engine.js';
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
const known = (files = new Map<string, string>()) => ({ files, dirs: new Set<string>() });

/** The names in a tar stream. */
async function names(stream: NodeJS.ReadableStream): Promise<string[]> {
  const { extract } = await import('tar-stream');
  const tar = extract();
  const found: string[] = [];
  tar.on('entry', (head, body, next) => {
    found.push(head.name);
    body.on('end', next);
    body.resume();
  });
  await new Promise<void>((done, fail) => {
    tar.on('finish', () => done());
    tar.on('error', fail);
    stream.pipe(tar);
  });
  return found;
}

/** An engine that records what each archive put carried, and answers a get with `held`. */
function fakeEngine(held: () => NodeJS.ReadableStream) {
  const puts: string[][] = [];
  const engine = {
    listImages: async () => [{ RepoTags: ['de-lab/tools:1.0'] }],
    createContainer: async () => ({
      putArchive: async (stream: NodeJS.ReadableStream) => void puts.push(await names(stream)),
      getArchive: async () => held(),
      start: async () => undefined,
      wait: async () => ({ StatusCode: 0 }),
      remove: async () => undefined,
    }),
  };
  return { docker: engine as unknown as Dockerode, puts };
}

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

describe('the engine mirror: what goes there', () => {
  it('carries a file again only when it changed here, and leaves what came from the engine to the engine', async () => {
    const base = tempDir('de-lab-push-');
    writeFileSync(join(base, 'job.sh'), 'echo 1');
    const held = () =>
      archive([
        { name: 'x/', type: 'directory' },
        { name: 'x/out/', type: 'directory' },
        { name: 'x/out/b.txt', data: 'made there' },
        { name: 'x/job.sh', data: 'echo 1' },
      ]);
    const { docker: engine, puts } = fakeEngine(held);
    const mirror = new EngineMirror(engine, 'ssh://ta@vm', 'ta@laptop');
    const inside = (list: string[]) =>
      list.filter((n) => n.startsWith(base.slice(1))).map((n) => n.slice(base.length - 1));
    await mirror.push(base);
    expect(inside(puts[0]!)).toEqual(['/', '/job.sh']);
    await mirror.pull(base, 'scratch');
    expect(readFileSync(join(base, 'out', 'b.txt'), 'utf8')).toBe('made there');
    await mirror.push(base);
    expect(inside(puts[1]!)).toEqual(['/']); // out/ and its file are the engine's; job.sh is unchanged
    writeFileSync(join(base, 'job.sh'), 'echo 2');
    await mirror.push(base);
    expect(inside(puts[2]!)).toEqual(['/', '/job.sh']);
    // Once the engine's copy is removed, everything goes there again.
    await mirror.forget(base);
    await mirror.push(base);
    expect(inside(puts[3]!)).toEqual(['/', '/job.sh', '/out/', '/out/b.txt']);
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
      known(),
    );
    expect(readFileSync(join(base, 'out', 'a.csv'), 'utf8')).toBe('n\n1\n');
    expect(stats.refused.sort()).toEqual(['link', 'planted/evil.txt']);
    expect(() => readFileSync(join(outside, 'evil.txt'))).toThrow();
  });

  it('after run, keeps a file the learner changed meanwhile and brings back the ones they did not', async () => {
    const base = tempDir('de-lab-pull-');
    mkdirSync(join(base, 'out'));
    writeFileSync(join(base, 'job.py'), 'edited while it ran');
    writeFileSync(join(base, 'notes.md'), 'edited too, but the program left it alone');
    writeFileSync(join(base, 'out', 'old.csv'), 'pushed');
    const pushed = new Map([
      [join(base, 'job.py'), sha1(Buffer.from('as pushed'))],
      [join(base, 'out', 'old.csv'), sha1(Buffer.from('pushed'))],
      [join(base, 'notes.md'), sha1(Buffer.from('as pushed'))],
    ]);
    const stats = await writePulled(
      archive([
        { name: 'x/job.py', data: 'the engine changed it' },
        { name: 'x/out/old.csv', data: 'rewritten by the program' },
        { name: 'x/out/new.csv', data: 'new' },
        { name: 'x/notes.md', data: 'as pushed' },
      ]),
      base,
      'outputs',
      known(pushed),
    );
    expect(stats.kept).toEqual(['job.py']);
    expect(readFileSync(join(base, 'job.py'), 'utf8')).toBe('edited while it ran');
    expect(readFileSync(join(base, 'out', 'old.csv'), 'utf8')).toBe('rewritten by the program');
    expect(readFileSync(join(base, 'out', 'new.csv'), 'utf8')).toBe('new');
    expect(readFileSync(join(base, 'notes.md'), 'utf8')).toBe('edited too, but the program left it alone');
  });

  it('stops at its limits with one sentence', async () => {
    const base = tempDir('de-lab-pull-');
    const big = archive([{ name: 'x/a', data: 'a'.repeat(100) }]);
    const error = await rejected(writePulled(big, base, 'scratch', known(), { maxTotalBytes: 10 }));
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

describe('an http check on an engine of another machine', () => {
  it('asks with curl and reads the status after the body, or says why nothing answered', () => {
    const command = curlCommand({
      url: 'http://127.0.0.1:41234/report',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
      timeoutSec: 5,
    });
    expect(command.slice(-2)).toEqual(['--', 'http://127.0.0.1:41234/report']);
    expect(command).toEqual(expect.arrayContaining(['-X', 'POST', '--data-binary', '{"a":1}', '--max-time', '5']));
    expect(parseCurl('{"ok":true}\nde-lab-http-status:200', '')).toEqual({ status: 200, body: '{"ok":true}' });
    expect(parseCurl('', 'curl: (7) Failed to connect')).toEqual({
      status: 0,
      body: '',
      error: 'curl: (7) Failed to connect',
    });
    // A body that prints the marker itself: the last one is curl's.
    expect(parseCurl('x\nde-lab-http-status:500\nde-lab-http-status:404', '').status).toBe(404);
  });
});
