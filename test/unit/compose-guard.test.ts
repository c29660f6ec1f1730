import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { composeRisks, sourceRisks, type ComposeConfig } from '../../src/stack/sandbox/compose-guard.js';
import { confineLearnerCompose } from '../../src/stack/sandbox/learner-compose.js';
import { DEFAULT_LIMITS } from '../../src/stack/sandbox/limits.js';
import { tempDir } from '../helpers/temp.js';

/**
 * The allow-list under test, as one function: the reasons a learner's compose file is refused, empty
 * when it is accepted. The config is what `docker compose config --format json` prints (long syntax,
 * absolute paths, `~` expanded to the private HOME de-lab renders with); what only exists in the
 * learner's raw YAML (include, extends, env_file before inlining, build) is `sourceRisks`'s, below.
 */
const guard = (config: Config, folder: string): string[] => composeRisks(config as ComposeConfig, folder);

type Config = Record<string, unknown>;
interface Case {
  name: string;
  config: Config;
  refused: boolean;
  /** A substring (or pattern) of the joined reasons; for refused cases only. Reasons name the key path. */
  reason?: string | RegExp;
}

const base = tempDir('de-lab-guard-');
afterAll(() => rmSync(base, { recursive: true, force: true }));
/** The exercise folder the compose file lives in (a real folder, for the symbolic-link cases). */
const FOLDER = realpathSync(mkdtempSync(join(base, 'compose-basics-')));
mkdirSync(join(FOLDER, 'links'));
symlinkSync('/etc', join(FOLDER, 'links', 'etc-link'));
symlinkSync('/var/run/docker.sock', join(FOLDER, 'links', 'sock'));
symlinkSync('../..', join(FOLDER, 'links', 'up')); // links/up is the folder's parent
mkdirSync(join(FOLDER, 'data', 'in'), { recursive: true });
symlinkSync('in', join(FOLDER, 'data', 'in-link'));
writeFileSync(join(FOLDER, 'app.env'), 'A=1\n');

const service = (extra: Config): Config => ({ services: { app: { image: 'de-lab/tools:latest', ...extra } } });
const bind = (source: string, target = '/data', extra: Config = {}): Config => ({
  type: 'bind',
  source,
  target,
  bind: { create_host_path: true },
  ...extra,
});

function check(c: Case): void {
  const reasons = guard(c.config, FOLDER);
  expect(reasons.length > 0, `refused? reasons: ${JSON.stringify(reasons)}`).toBe(c.refused);
  if (c.reason !== undefined) {
    if (typeof c.reason === 'string') expect(reasons.join('; ')).toContain(c.reason);
    else expect(reasons.join('; ')).toMatch(c.reason);
  }
}

const cases: Case[] = [
  // --- refused: privileges and host namespaces ---
  {
    name: 'privileged',
    config: service({ privileged: true }),
    refused: true,
    reason: 'services.app.privileged is not allowed',
  },
  {
    name: 'cap_add',
    config: service({ cap_add: ['SYS_ADMIN', 'NET_ADMIN'] }),
    refused: true,
    reason: 'services.app.cap_add is not allowed',
  },
  { name: 'pid: host', config: service({ pid: 'host' }), refused: true, reason: 'services.app.pid is not allowed' },
  { name: 'ipc: host', config: service({ ipc: 'host' }), refused: true, reason: 'services.app.ipc is not allowed' },
  {
    name: 'network_mode: host',
    config: service({ network_mode: 'host' }),
    refused: true,
    reason: 'services.app.network_mode host is not allowed',
  },
  {
    name: 'userns_mode: host',
    config: service({ userns_mode: 'host' }),
    refused: true,
    reason: 'services.app.userns_mode',
  },
  { name: 'uts: host', config: service({ uts: 'host' }), refused: true, reason: 'services.app.uts' },
  { name: 'cgroup: host', config: service({ cgroup: 'host' }), refused: true, reason: 'services.app.cgroup' },
  {
    name: 'cgroup_parent',
    config: service({ cgroup_parent: '/' }),
    refused: true,
    reason: 'services.app.cgroup_parent',
  },
  {
    name: 'devices',
    config: service({ devices: [{ source: '/dev/sda', target: '/dev/sda', permissions: 'rwm' }] }),
    refused: true,
    reason: 'services.app.devices',
  },
  {
    name: 'device_cgroup_rules (mknod a host disk with the default MKNOD capability)',
    config: service({ device_cgroup_rules: ['b 8:* rmw'] }),
    refused: true,
    reason: 'services.app.device_cgroup_rules',
  },
  {
    name: 'security_opt seccomp=unconfined',
    config: service({ security_opt: ['seccomp=unconfined'] }),
    refused: true,
    reason: 'services.app.security_opt seccomp=unconfined is not allowed',
  },
  {
    name: 'security_opt apparmor:unconfined',
    config: service({ security_opt: ['apparmor:unconfined'] }),
    refused: true,
    reason: 'services.app.security_opt apparmor',
  },
  {
    name: 'security_opt label=disable',
    config: service({ security_opt: ['label=disable'] }),
    refused: true,
    reason: 'services.app.security_opt label',
  },
  {
    name: 'security_opt systempaths=unconfined',
    config: service({ security_opt: ['systempaths=unconfined'] }),
    refused: true,
    reason: 'services.app.security_opt systempaths',
  },
  {
    name: 'a custom seccomp profile (allow-all is as good as unconfined)',
    config: service({ security_opt: [`seccomp=${FOLDER}/allow-all.json`] }),
    refused: true,
    reason: 'services.app.security_opt seccomp=',
  },
  {
    name: 'oom_score_adj -1000 (the host kills its own processes first)',
    config: service({ oom_score_adj: -1000 }),
    refused: true,
    reason: 'services.app.oom_score_adj',
  },
  {
    name: 'oom_kill_disable',
    config: service({ oom_kill_disable: true }),
    refused: true,
    reason: 'services.app.oom_kill_disable',
  },
  {
    name: 'a fixed container_name (two learners graded at once collide)',
    config: service({ container_name: 'app' }),
    refused: true,
    reason: 'services.app.container_name is not allowed',
  },
  {
    name: 'extra_hosts',
    config: service({ extra_hosts: ['db:10.0.0.1'] }),
    refused: true,
    reason: 'services.app.extra_hosts',
  },
  // --- refused: other containers ---
  {
    name: "pid: container:<another learner's container>",
    config: service({ pid: 'container:bob-app-1' }),
    refused: true,
    reason: 'services.app.pid',
  },
  {
    name: 'network_mode: container:<another container>',
    config: service({ network_mode: 'container:bob-app-1' }),
    refused: true,
    reason: 'services.app.network_mode container:bob-app-1',
  },
  {
    name: 'ipc: container:<another container>',
    config: service({ ipc: 'container:bob-app-1' }),
    refused: true,
    reason: 'services.app.ipc',
  },
  {
    name: 'volumes_from another container',
    config: service({ volumes_from: ['container:bob-db-1'] }),
    refused: true,
    reason: 'services.app.volumes_from',
  },
  {
    name: 'the host network through an external network named host',
    config: { ...service({ networks: { hostnet: null } }), networks: { hostnet: { name: 'host', external: true } } },
    refused: true,
    reason: 'networks.hostnet: external networks are not allowed',
  },
  // --- refused: host files ---
  {
    name: 'the Docker socket',
    config: service({ volumes: [bind('/var/run/docker.sock', '/var/run/docker.sock')] }),
    refused: true,
    reason: 'services.app.volumes[0].source: bind-mounts /var/run/docker.sock, outside the exercise folder',
  },
  {
    name: 'the Docker socket under /run',
    config: service({ volumes: [bind('/run/docker.sock', '/s')] }),
    refused: true,
    reason: 'bind-mounts /run/docker.sock',
  },
  {
    name: 'bind mount of /',
    config: service({ volumes: [bind('/', '/host')] }),
    refused: true,
    reason: 'services.app.volumes[0].source: bind-mounts /, outside the exercise folder',
  },
  {
    name: 'bind mount of /etc',
    config: service({ volumes: [bind('/etc', '/host-etc')] }),
    refused: true,
    reason: 'bind-mounts /etc, outside',
  },
  {
    name: 'bind mount of a home folder',
    config: service({ volumes: [bind('/root/.ssh', '/keys')] }),
    refused: true,
    reason: '/root/.ssh',
  },
  {
    name: "~/ (rendered with de-lab's private HOME)",
    config: service({ volumes: [bind('/tmp/de-lab-compose-home-abc/.ssh', '/keys')] }),
    refused: true,
    reason: 'outside the exercise folder',
  },
  {
    name: 'bind mount of the parent folder',
    config: service({ volumes: [bind(join(FOLDER, '..'))] }),
    refused: true,
    reason: 'outside the exercise folder',
  },
  {
    name: 'bind mount of a sibling whose name starts like the folder',
    config: service({ volumes: [bind(`${FOLDER}-other`)] }),
    refused: true,
    reason: 'outside the exercise folder',
  },
  {
    name: 'bind mount through .. inside an absolute path',
    config: service({ volumes: [bind(`${FOLDER}/data/../../x`)] }),
    refused: true,
    reason: 'outside the exercise folder',
  },
  {
    name: 'relative ../secrets (rendered absolute)',
    config: service({ volumes: [bind(resolve(FOLDER, '../secrets'), '/s')] }),
    refused: true,
    reason: 'outside the exercise folder',
  },
  {
    name: 'an absolute host file, read-only',
    config: service({ volumes: [bind('/etc/passwd', '/p', { read_only: true })] }),
    refused: true,
    reason: 'bind-mounts /etc/passwd',
  },
  {
    name: 'the second of two mounts is named',
    config: service({ volumes: [bind(join(FOLDER, 'data')), bind('/etc', '/e')] }),
    refused: true,
    reason: 'services.app.volumes[1].source',
  },
  {
    name: 'a bind source that is a symbolic link inside the folder leading outside',
    config: service({ volumes: [bind(join(FOLDER, 'links', 'etc-link'), '/x')] }),
    refused: true,
    reason: 'services.app.volumes[0].source: bind-mounts',
  },
  {
    name: 'a symbolic link to the Docker socket inside the folder',
    config: service({ volumes: [bind(join(FOLDER, 'links', 'sock'), '/s')] }),
    refused: true,
    reason: 'symbolic link that leads outside',
  },
  {
    name: 'a path below a link that climbs out (links/up/x)',
    config: service({ volumes: [bind(join(FOLDER, 'links', 'up', 'x'), '/s')] }),
    refused: true,
    reason: 'symbolic link that leads outside',
  },
  {
    name: 'a named volume whose local driver options bind a host folder',
    config: {
      ...service({ volumes: [{ type: 'volume', source: 'x', target: '/x', volume: {} }] }),
      volumes: { x: { name: 'p_x', driver: 'local', driver_opts: { type: 'none', o: 'bind', device: '/tmp' } } },
    },
    refused: true,
    reason: 'volumes.x.driver_opts is not allowed',
  },
  {
    name: 'an undeclared named volume',
    config: service({ volumes: [{ type: 'volume', source: 'x', target: '/x' }] }),
    refused: true,
    reason: 'services.app.volumes[0]: volume x is not declared',
  },
  {
    name: 'a secret read from a host file',
    config: {
      ...service({ secrets: [{ source: 'pw', target: '/run/secrets/pw' }] }),
      secrets: { pw: { name: 'p_pw', file: '/etc/passwd' } },
    },
    refused: true,
    reason:
      /secrets: is not allowed.*services\.app\.secrets is not allowed|services\.app\.secrets is not allowed.*secrets: is not allowed/,
  },
  {
    name: 'a config read from a host file',
    config: {
      ...service({ configs: [{ source: 'c', target: '/c' }] }),
      configs: { c: { name: 'p_c', file: '/etc/passwd' } },
    },
    refused: true,
    reason: 'configs: is not allowed',
  },
  {
    name: "a secret read from the grader's environment",
    config: {
      ...service({ secrets: [{ source: 'home', target: '/run/secrets/home' }] }),
      secrets: { home: { name: 'p_home', environment: 'HOME' } },
    },
    refused: true,
    reason: 'secrets: is not allowed',
  },
  {
    name: 'an env_file outside the folder',
    config: service({ env_file: [{ path: '/etc/os-release', required: true }] }),
    refused: true,
    reason: 'services.app.env_file /etc/os-release is outside',
  },
  // --- refused: builds (the rendered file keeps them; images are built in docker-build steps) ---
  {
    name: 'a build context outside the folder',
    config: service({ build: { context: '/', dockerfile: 'Dockerfile' } }),
    refused: true,
    reason: 'services.app.build is not allowed',
  },
  {
    name: 'an additional build context outside the folder',
    config: service({ build: { context: FOLDER, additional_contexts: { etc: '/etc' } } }),
    refused: true,
    reason: 'services.app.build',
  },
  {
    name: 'a build on the host network (RUN steps see host ports)',
    config: service({ build: { context: FOLDER, network: 'host' } }),
    refused: true,
    reason: 'services.app.build',
  },
  {
    name: "a build that forwards the grader's SSH agent",
    config: service({ build: { context: FOLDER, ssh: ['default'] } }),
    refused: true,
    reason: 'services.app.build',
  },
  {
    name: 'a privileged build (BuildKit security.insecure)',
    config: service({ build: { context: FOLDER, privileged: true } }),
    refused: true,
    reason: 'services.app.build',
  },
  {
    name: 'a syslog logging driver',
    config: service({ logging: { driver: 'syslog', options: { 'syslog-address': 'tcp://10.0.0.1:514' } } }),
    refused: true,
    reason: 'services.app.logging.driver syslog',
  },
  {
    name: 'every offending service is named',
    config: { services: { web: { image: 'x', privileged: true }, db: { image: 'y', pid: 'host' } } },
    refused: true,
    reason: /services\.web\.privileged.*services\.db\.pid/,
  },
  // --- accepted ---
  { name: 'an empty file', config: {}, refused: false },
  { name: 'no services', config: { services: {} }, refused: false },
  {
    name: 'a plain service',
    config: service({ command: ['sleep', 'infinity'], environment: { TZ: 'Asia/Seoul' } }),
    refused: false,
  },
  { name: 'bind mount of a folder inside', config: service({ volumes: [bind(join(FOLDER, 'data'))] }), refused: false },
  {
    name: 'bind mount of a folder inside that does not exist yet',
    config: service({ volumes: [bind(join(FOLDER, 'out', 'new'))] }),
    refused: false,
  },
  { name: 'bind mount of the folder itself', config: service({ volumes: [bind(FOLDER, '/work')] }), refused: false },
  {
    name: 'bind mount through a link that stays inside',
    config: service({ volumes: [bind(join(FOLDER, 'data', 'in-link'))] }),
    refused: false,
  },
  {
    name: 'a folder inside whose name starts with ".."',
    config: service({ volumes: [bind(join(FOLDER, '..data'))] }),
    refused: false,
  },
  {
    name: 'relative ./ binds (rendered absolute), read-only',
    config: service({
      volumes: [
        bind(join(FOLDER, 'data'), '/data'),
        bind(join(FOLDER, 'conf', 'app.conf'), '/etc/app.conf', { read_only: true }),
      ],
    }),
    refused: false,
  },
  {
    name: 'an env_file inside',
    config: service({ env_file: [{ path: join(FOLDER, 'app.env'), required: true }] }),
    refused: false,
  },
  {
    name: 'a named volume',
    config: {
      ...service({ volumes: [{ type: 'volume', source: 'pgdata', target: '/var/lib/db', volume: {} }] }),
      volumes: { pgdata: { name: 'p_pgdata' } },
    },
    refused: false,
  },
  {
    name: 'tmpfs',
    config: service({ volumes: [{ type: 'tmpfs', target: '/tmp', tmpfs: { size: 1048576 } }], tmpfs: ['/run'] }),
    refused: false,
  },
  {
    name: 'dropping capabilities and no-new-privileges',
    config: service({ cap_drop: ['ALL'], security_opt: ['no-new-privileges:true'] }),
    refused: false,
  },
  {
    name: 'network_mode none and service:',
    config: {
      services: {
        db: { image: 'x' },
        app: { image: 'y', network_mode: 'service:db' },
        off: { image: 'z', network_mode: 'none' },
      },
    },
    refused: false,
  },
  // pids_limit -1 and a huge mem_limit pass the allow-list: confineLearnerCompose caps them (tested below).
  {
    name: 'pids_limit -1 and a 64 GiB mem_limit (capped when confined)',
    config: service({ pids_limit: -1, mem_limit: '68719476736' }),
    refused: false,
  },
  {
    name: 'a typical day-1 stack (db with a healthcheck, app from an image, its folder bound)',
    config: {
      name: 'p',
      services: {
        db: {
          image: 'de-lab/mariadb:latest',
          environment: { MARIADB_ROOT_PASSWORD: 'pw' },
          healthcheck: { test: ['CMD', 'healthcheck.sh', '--connect'], interval: '2s' },
          volumes: [{ type: 'volume', source: 'db', target: '/var/lib/mysql', volume: {} }],
        },
        app: {
          image: 'de-lab/tools:latest',
          depends_on: { db: { condition: 'service_healthy', required: true } },
          volumes: [bind(join(FOLDER, 'app'), '/app')],
          networks: { default: null },
        },
      },
      networks: { default: { name: 'p_default' } },
      volumes: { db: { name: 'p_db' } },
    },
    refused: false,
  },
];

describe('compose allow-list: table (rendered files)', () => {
  for (const c of cases) it(`${c.refused ? 'refuses' : 'accepts'} ${c.name}`, () => check(c));
});

describe('compose allow-list: the raw file, before rendering reads the host', () => {
  it('refuses what only exists before rendering: include, extends and env_file outside, build', () => {
    expect(sourceRisks({ include: ['/etc/x.yaml'], services: {} }, FOLDER).join()).toContain('include: is not allowed');
    expect(sourceRisks({ services: { app: { env_file: ['../secrets.env'] } } }, FOLDER).join()).toContain(
      'services.app.env_file ../secrets.env is outside',
    );
    expect(
      sourceRisks({ services: { app: { extends: { file: '../base.yaml', service: 'b' } } } }, FOLDER).join(),
    ).toContain('services.app.extends.file');
    expect(sourceRisks({ services: { app: { build: { context: '/', ssh: ['default'] } } } }, FOLDER).join()).toContain(
      'services.app.build is not allowed',
    );
  });

  it('accepts a ..name folder inside', () => {
    expect(sourceRisks({ services: { app: { env_file: ['..data/app.env'] } } }, FOLDER)).toEqual([]);
  });
});

describe('confineLearnerCompose caps what the allow-list lets through', () => {
  it('pids_limit -1 (no limit: the fork bomb of issue 15) and a 64 GiB mem_limit are capped at the grading limits', async () => {
    const limits = { ...DEFAULT_LIMITS, memoryBytes: 512 * 1024 * 1024, pids: 256, cpus: 1 };
    const input = {
      services: {
        bomb: {
          image: 'x',
          pids_limit: -1,
          mem_limit: '68719476736',
          deploy: { resources: { limits: { pids: -1, memory: '68719476736' } } },
        },
        zero: { image: 'x', pids_limit: 0, mem_limit: '0', cpus: 0 },
      },
    } as ComposeConfig;
    expect(composeRisks(input, FOLDER)).toEqual([]);
    const { config } = await confineLearnerCompose(input, { limits, labels: {}, pickPort: async () => 40000 });
    for (const name of ['bomb', 'zero']) {
      const s = config.services![name]!;
      expect(s.pids_limit).toBe(256);
      expect(s.mem_limit).toBe(String(512 * 1024 * 1024));
      expect(s.memswap_limit).toBe(String(512 * 1024 * 1024));
      expect(s.cpus).toBe(1);
    }
    expect(config.services!.bomb!.deploy.resources.limits).toBeUndefined();
  });
});
