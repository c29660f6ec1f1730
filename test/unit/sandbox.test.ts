import { mkdirSync, readFileSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { composeRisks, sourceRisks, type ComposeConfig } from '../../src/stack/sandbox/compose-guard.js';
import { confineLearnerCompose, demuxText, interpolationEnv } from '../../src/stack/sandbox/learner-compose.js';
import { containerPort } from '../../src/stack/sandbox/private-stack.js';
import { isHealthcheck, isRequired } from '../../src/stack/sandbox/learner-stack.js';
import { DEFAULT_LIMITS } from '../../src/stack/sandbox/limits.js';
import { differencePair, lastErrorLine, matchText } from '../../src/grading/compare.js';
import { fill } from '../../src/grading/template.js';
import { publishedPortKind } from '../../src/grading/kinds/ports.js';
import { scratchCopy } from '../../src/grading/session.js';
import { tempDir } from '../helpers/temp.js';

const folder = '/work/ex';
const service = (extra: Record<string, unknown> = {}) => ({
  image: 'de-lab/tools:1.0',
  networks: { default: null },
  ...extra,
});
const config = (services: Record<string, any>, rest: Partial<ComposeConfig> = {}): ComposeConfig => ({
  name: 'p',
  networks: { default: { name: 'p_default', ipam: {} } },
  services,
  ...rest,
});

describe('compose allow-list (rendered file)', () => {
  it('accepts what the course exercises use', () => {
    const ok = config(
      {
        db: service({
          environment: { A: '1' },
          tmpfs: ['/var/lib/mysql'],
          volumes: [
            {
              type: 'bind',
              source: `${folder}/init`,
              target: '/docker-entrypoint-initdb.d',
              read_only: true,
              bind: { create_host_path: true },
            },
          ],
          healthcheck: { test: ['CMD', 'true'], interval: '2s' },
        }),
        app: service({
          depends_on: { db: { condition: 'service_healthy', required: true } },
          ports: [{ mode: 'ingress', host_ip: '127.0.0.1', target: 8080, published: '18080', protocol: 'tcp' }],
          deploy: { replicas: 2, resources: {}, placement: {} },
          mem_limit: '67108864',
          volumes: [{ type: 'volume', source: 'data', target: '/data' }],
        }),
      },
      { volumes: { data: { name: 'p_data' } } },
    );
    expect(composeRisks(ok, folder)).toEqual([]);
  });

  const refused: Array<[string, ComposeConfig, string]> = [
    ['privileged', config({ a: service({ privileged: true }) }), 'services.a.privileged is not allowed'],
    ['cap_add', config({ a: service({ cap_add: ['SYS_ADMIN'] }) }), 'services.a.cap_add'],
    ['pid: host', config({ a: service({ pid: 'host' }) }), 'services.a.pid'],
    ['network_mode: host', config({ a: service({ network_mode: 'host' }) }), 'network_mode host'],
    [
      'network_mode: container:',
      config({ a: service({ network_mode: 'container:abc' }) }),
      'network_mode container:abc',
    ],
    ['devices', config({ a: service({ devices: ['/dev/sda'] }) }), 'services.a.devices'],
    ['security_opt', config({ a: service({ security_opt: ['seccomp=unconfined'] }) }), 'services.a.security_opt'],
    [
      'docker socket bind',
      config({ a: service({ volumes: [{ type: 'bind', source: '/var/run/docker.sock', target: '/s' }] }) }),
      'outside the exercise folder',
    ],
    [
      'bind outside with ..',
      config({ a: service({ volumes: [{ type: 'bind', source: '/work/ex/../other', target: '/s' }] }) }),
      'outside the exercise folder',
    ],
    [
      'named volume binding a host dir',
      config(
        { a: service({ volumes: [{ type: 'volume', source: 'v', target: '/x' }] }) },
        { volumes: { v: { name: 'p_v', driver: 'local', driver_opts: { type: 'none', o: 'bind', device: '/tmp' } } } },
      ),
      'volumes.v.driver_opts',
    ],
    [
      'external volume',
      config(
        { a: service({ volumes: [{ type: 'volume', source: 'v', target: '/x' }] }) },
        { volumes: { v: { name: 'other', external: true } } },
      ),
      'external volumes',
    ],
    [
      'external network (another stack)',
      config(
        { a: service({ networks: { n: null } }) },
        { networks: { n: { name: 'de-lab-day4_default', external: true } } },
      ),
      'external networks',
    ],
    [
      'secrets',
      config({ a: service({ secrets: [{ source: 's', target: 's' }] }) }, {
        secrets: { s: { file: '/etc/passwd' } },
      } as never),
      'secrets: is not allowed',
    ],
    [
      'configs',
      config({ a: service() }, { configs: { c: { file: '/etc/shadow' } } } as never),
      'configs: is not allowed',
    ],
    ['extra_hosts', config({ a: service({ extra_hosts: ['db:10.0.0.1'] }) }), 'services.a.extra_hosts'],
    [
      'syslog logging',
      config({ a: service({ logging: { driver: 'syslog', options: { 'syslog-address': 'tcp://10.0.0.1:514' } } }) }),
      'logging.driver syslog',
    ],
    [
      'fluentd to a remote host',
      config({ a: service({ logging: { driver: 'fluentd', options: { 'fluentd-address': '10.1.2.3:24224' } } }) }),
      'fluentd-address',
    ],
    [
      'ipam',
      config(
        { a: service() },
        { networks: { default: { name: 'p_default', ipam: { config: [{ subnet: '10.9.0.0/16' }] } } } },
      ),
      'ipam',
    ],
    ['cgroup_parent', config({ a: service({ cgroup_parent: '/' }) }), 'cgroup_parent'],
    ['undeclared network', config({ a: service({ networks: { other: null } }) }), 'not declared'],
  ];
  for (const [name, cfg, reason] of refused) {
    it(`refuses ${name}`, () => {
      const risks = composeRisks(cfg, folder);
      expect(risks.join('; ')).toContain(reason);
    });
  }

  it('accepts a fluentd logging driver that talks to localhost', () => {
    expect(
      composeRisks(
        config({
          a: service({
            logging: { driver: 'fluentd', options: { 'fluentd-address': 'localhost:41234', tag: 'app.{{.Name}}' } },
          }),
        }),
        folder,
      ),
    ).toEqual([]);
  });
});

describe('compose allow-list (source file, before rendering reads the host)', () => {
  it('refuses include, env_file and extends outside the folder, and build', () => {
    expect(sourceRisks({ include: ['/etc/x.yaml'], services: {} }, folder).join()).toContain('include: is not allowed');
    expect(sourceRisks({ services: { a: { env_file: ['/etc/hostname'] } } }, folder).join()).toContain(
      'env_file /etc/hostname is outside',
    );
    expect(sourceRisks({ services: { a: { env_file: [{ path: '../x.env' }] } } }, folder).join()).toContain('outside');
    expect(
      sourceRisks({ services: { a: { extends: { file: '/tmp/base.yaml', service: 'b' } } } }, folder).join(),
    ).toContain('extends.file');
    expect(sourceRisks({ services: { a: { build: '.' } } }, folder).join()).toContain('build is not allowed');
    expect(sourceRisks({ services: { a: { env_file: 'report.env' } } }, folder)).toEqual([]);
    expect(sourceRisks('just text', folder)).toEqual(['the file is not a YAML mapping']);
  });

  it('interpolates from the declared variables only', () => {
    expect(interpolationEnv({ FLUENTD_PORT: '41234' }, 'de-lab')).toEqual({
      DE_LAB_IMAGE_PREFIX: 'de-lab',
      FLUENTD_PORT: '41234',
    });
  });
});

describe('confining a learner compose file', () => {
  let next = 40000;
  const pickPort = async () => ++next;
  const limits = { ...DEFAULT_LIMITS, memoryBytes: 512 * 1024 * 1024, pids: 256, cpus: 1 };

  it('caps memory, pids, CPU and logs, keeps a lower own limit, and moves published ports to 127.0.0.1', async () => {
    const input = config({
      small: service({
        mem_limit: '67108864',
        ports: [{ mode: 'ingress', host_ip: '', target: 8080, published: '18080', protocol: 'tcp' }],
      }),
      greedy: service({
        mem_limit: String(8 * 1024 ** 3),
        pids_limit: 100000,
        cpus: 2,
        deploy: { resources: { limits: { memory: '9g', pids: 99999 } } },
        logging: { driver: 'json-file', options: { 'max-size': '100g' } },
      }),
      unset: service(),
    });
    const { config: out, ports } = await confineLearnerCompose(input, {
      limits,
      labels: { 'de-lab.purpose': 'grading' },
      pickPort,
    });
    const s = out.services!;
    expect(s.small!.mem_limit).toBe('67108864');
    expect(s.greedy!.mem_limit).toBe(String(512 * 1024 * 1024));
    expect(s.greedy!.pids_limit).toBe(256);
    expect(s.greedy!.cpus).toBe(1);
    expect(s.greedy!.deploy.resources.limits).toBeUndefined();
    expect(s.greedy!.logging).toEqual({ driver: 'json-file', options: { 'max-size': '10m', 'max-file': '1' } });
    expect(s.unset!.mem_limit).toBe(String(512 * 1024 * 1024));
    expect(s.unset!.memswap_limit).toBe(String(512 * 1024 * 1024));
    expect(s.unset!.security_opt).toEqual(['no-new-privileges:true']);
    expect(s.unset!.labels).toEqual({ 'de-lab.purpose': 'grading' });
    expect(ports).toEqual([{ service: 'small', target: 8080, hostIp: '', published: 18080, actual: 40001 }]);
    expect(s.small!.ports[0]).toMatchObject({ host_ip: '127.0.0.1', published: '40001', target: 8080 });
    expect(input.services!.small!.ports[0].published).toBe('18080'); // the input is not modified
  });

  it('keeps a fluentd logging driver (its address was allow-listed)', async () => {
    const { config: out } = await confineLearnerCompose(
      config({ a: service({ logging: { driver: 'fluentd', options: { 'fluentd-address': 'localhost:1' } } }) }),
      { limits, labels: {}, pickPort },
    );
    expect(out.services!.a!.logging.driver).toBe('fluentd');
  });
});

describe('published-port check', () => {
  const check = {
    id: 'p',
    kind: 'published-port',
    service: 'report',
    target: 8080,
    expect: { port: 18080, hostIp: '127.0.0.1' },
  } as never;
  it('passes only 127.0.0.1 on the asked port', () => {
    expect(
      publishedPortKind.judge(
        check,
        { requests: [{ service: 'report', target: 8080, hostIp: '127.0.0.1', published: 18080 }] },
        undefined,
      ).ok,
    ).toBe(true);
    const all = publishedPortKind.judge(
      check,
      { requests: [{ service: 'report', target: 8080, hostIp: '', published: 18080 }] },
      undefined,
    );
    expect(all.ok).toBe(false);
    expect(all.found).toContain('all interfaces');
    expect(
      publishedPortKind.judge(
        check,
        { requests: [{ service: 'report', target: 8080, hostIp: '127.0.0.1', published: 8080 }] },
        undefined,
      ).ok,
    ).toBe(false);
    expect(publishedPortKind.judge(check, { requests: [] }, undefined).found).toContain('not published');
  });
});

describe('messages that show the cause', () => {
  it('cuts long differing texts around the first difference', () => {
    const expected = `${'a,'.repeat(400)}LAST`;
    const found = `${'a,'.repeat(400)}WRONG`;
    const pair = differencePair(expected, found, 60);
    expect(pair.expected).toContain('column 801');
    expect(pair.expected).toContain('LAST');
    expect(pair.found).toContain('WRONG');
    const verdict = matchText(found, { equals: expected });
    expect(verdict.ok).toBe(false);
    expect(verdict.found).toContain('WRONG');
  });

  it('says when the output stops early', () => {
    expect(differencePair('x'.repeat(500), 'x'.repeat(400), 100).found).toContain('ends after 400 chars');
  });

  it('takes the error line of a trace, not its first line', () => {
    const trace = [
      'Traceback (most recent call last):',
      '  File "job.py", line 3, in <module>',
      "    spark.read.parquet('x')",
      'pyspark.errors.exceptions.captured.AnalysisException: [PATH_NOT_FOUND] Path does not exist: file:/x.',
      '',
    ].join('\n');
    expect(lastErrorLine(trace)).toContain('AnalysisException');
    expect(lastErrorLine('all good\nfinished')).toBe('finished');
  });

  it('recognises the healthcheck among leftover processes', () => {
    expect(isHealthcheck('python3 -c import pyspark', 'python3 -c import pyspark')).toBe(true);
    expect(
      isHealthcheck('/bin/sh -c curl -fsS http://localhost:8080/health', 'curl -fsS http://localhost:8080/health'),
    ).toBe(true);
    expect(isHealthcheck('sleep infinity', 'curl -fsS http://localhost:8080/health')).toBe(false);
    expect(isHealthcheck('sleep 1', '')).toBe(false);
  });

  it('does not count a process the exercises require as a leftover, in its own service only', () => {
    const required = [{ service: 'druid', command: 'org.apache.druid.cli.Main internal peon' }];
    const peon = 'java -server -cp lib/* org.apache.druid.cli.Main internal peon /tmp/task.json';
    expect(isRequired(required, 'druid', peon)).toBe(true);
    expect(isRequired(required, 'spark', peon)).toBe(false);
    expect(isRequired(required, 'druid', 'sh -c while true; do sleep 1; done')).toBe(false);
    expect(isRequired(undefined, 'druid', peon)).toBe(false);
  });

  it('reads docker log frames', () => {
    const frame = (text: string) =>
      Buffer.concat([Buffer.from([1, 0, 0, 0, 0, 0, 0, Buffer.byteLength(text)]), Buffer.from(text)]);
    expect(demuxText(Buffer.concat([frame('one\n'), frame('two\n')]))).toBe('one\ntwo\n');
    expect(demuxText(Buffer.from('plain'))).toBe('plain');
  });
});

describe('port placeholders', () => {
  it('fills {port:N} and {published:N} but leaves other braces', () => {
    expect(
      fill('http://127.0.0.1:{published:18080}/x {port:24224} {"a":1} {unknown:1}', {
        'published:18080': '40001',
        'port:24224': '41000',
      }),
    ).toBe('http://127.0.0.1:40001/x 41000 {"a":1} {unknown:1}');
    expect(containerPort('127.0.0.1:18080:8080')).toBe(8080);
    expect(containerPort('24224:24224/udp')).toBe(24224);
    expect(containerPort({ target: 9092, published: 29092 })).toBe(9092);
  });
});

describe('scratch copy', () => {
  it('takes only the declared files from the learner, over the whole starter, and never a link', () => {
    const root = tempDir('scratch-');
    const spec = {
      day: 'd',
      exercise: 'e',
      dir: join(root, 'exercise'),
      files: ['job.py', 'conf/app.yaml', 'link.txt'],
      steps: [],
      checks: [],
    };
    mkdirSync(join(spec.dir, 'starter', 'data'), { recursive: true });
    writeFileSync(join(spec.dir, 'starter', 'job.py'), 'starter job');
    writeFileSync(join(spec.dir, 'starter', 'link.txt'), 'starter link');
    writeFileSync(join(spec.dir, 'starter', 'data', 'input.csv'), 'real data');
    const learner = join(root, 'learner');
    mkdirSync(join(learner, 'data'), { recursive: true });
    mkdirSync(join(learner, 'conf'));
    writeFileSync(join(learner, 'job.py'), 'my job');
    writeFileSync(join(learner, 'conf', 'app.yaml'), 'mine: true');
    writeFileSync(join(learner, 'data', 'input.csv'), 'FAKE data');
    writeFileSync(join(learner, 'extra.py'), 'not graded');
    symlinkSync('/etc/hostname', join(learner, 'link.txt'));
    const { dir, ignored } = scratchCopy(spec, learner, join(root, 'day'), 'e-learner-1');
    expect(readFileSync(join(dir, 'job.py'), 'utf8')).toBe('my job');
    expect(readFileSync(join(dir, 'conf', 'app.yaml'), 'utf8')).toBe('mine: true');
    expect(readFileSync(join(dir, 'data', 'input.csv'), 'utf8')).toBe('real data');
    expect(readFileSync(join(dir, 'link.txt'), 'utf8')).toBe('starter link');
    expect(existsSync(join(dir, 'extra.py'))).toBe(false);
    expect(ignored).toEqual(['link.txt']);
    expect(readFileSync(join(learner, 'job.py'), 'utf8')).toBe('my job'); // the learner's folder is untouched
  });
});
