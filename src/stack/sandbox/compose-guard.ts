import { lstatSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';

/**
 * The allow-list for a learner's compose file, applied to its rendered form (`docker compose
 * config --format json`, so anchors, `extends` and interpolation are already resolved). Only the
 * keys and values that the course's exercises need pass; anything else is refused with its path,
 * so a new trick (a driver option, a secret file, an external network …) fails closed.
 */

export type ComposeConfig = {
  name?: string;
  services?: Record<string, Record<string, any>>;
  networks?: Record<string, Record<string, any> | null>;
  volumes?: Record<string, Record<string, any> | null>;
  [key: string]: unknown;
};

const TOP_LEVEL = new Set(['name', 'services', 'networks', 'volumes']);

const SERVICE_KEYS = new Set([
  'image',
  'command',
  'entrypoint',
  'environment',
  'env_file',
  'networks',
  'ports',
  'expose',
  'volumes',
  'tmpfs',
  'depends_on',
  'healthcheck',
  'deploy',
  'mem_limit',
  'memswap_limit',
  'mem_reservation',
  'cpus',
  'pids_limit',
  'restart',
  'working_dir',
  'user',
  'labels',
  'hostname',
  'stop_grace_period',
  'stop_signal',
  'init',
  'read_only',
  'logging',
  'tty',
  'stdin_open',
  'scale',
  'network_mode',
  'pull_policy',
  'profiles',
  'platform',
  // Only ever take privileges away (checked below; de-lab sets no-new-privileges itself).
  'cap_drop',
  'security_opt',
]);

const HEALTHCHECK_KEYS = new Set([
  'test',
  'interval',
  'timeout',
  'retries',
  'start_period',
  'start_interval',
  'disable',
]);
const DEPLOY_KEYS = new Set(['replicas', 'resources', 'restart_policy', 'mode', 'placement']);
const RESOURCE_KEYS = new Set(['limits', 'reservations']);
const LIMIT_KEYS = new Set(['memory', 'cpus', 'pids']);
const PORT_KEYS = new Set(['mode', 'host_ip', 'target', 'published', 'protocol', 'name', 'app_protocol']);
const MOUNT_KEYS = new Set(['type', 'source', 'target', 'read_only', 'bind', 'volume', 'tmpfs', 'consistency']);
const NETWORK_KEYS = new Set(['name', 'driver', 'internal', 'labels', 'attachable', 'enable_ipv6', 'ipam', 'external']);
const VOLUME_KEYS = new Set(['name', 'driver', 'labels', 'external']);
const SERVICE_NETWORK_KEYS = new Set(['aliases', 'priority']);
const LOGGING_DRIVERS = new Set(['json-file', 'local', 'none', 'fluentd']);
const FLUENTD_OPTIONS = new Set([
  'fluentd-address',
  'tag',
  'fluentd-async',
  'fluentd-async-connect',
  'fluentd-retry-wait',
  'fluentd-max-retries',
  'fluentd-buffer-limit',
  'fluentd-sub-second-precision',
  'fluentd-request-ack',
  'mode',
  'max-buffer-size',
  'labels',
  'env',
]);

function unknownKeys(path: string, value: unknown, allowed: Set<string>, risks: string[]): void {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return;
  for (const key of Object.keys(value))
    if (!allowed.has(key) && !key.startsWith('x-')) risks.push(`${path}.${key} is not allowed`);
}

const isEmpty = (value: unknown) =>
  value === undefined || value === null || (typeof value === 'object' && Object.keys(value).length === 0);

function inside(folder: string, path: string): boolean {
  const rel = relative(resolve(folder), resolve(folder, path));
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/**
 * Inside the folder where the engine will really look: when the path exists, its links are resolved
 * by the kernel (realpath.native), so `<folder>/sock -> /var/run/docker.sock`, made by an earlier
 * step's container in the writable workdir, is outside. A path that does not exist yet is created by
 * the engine as a folder, where it says.
 */
function reallyInside(folder: string, path: string): boolean {
  if (!inside(folder, path)) return false;
  let root: string;
  try {
    root = realpathSync.native(folder);
  } catch {
    return true; // no folder to resolve against (a unit test's made-up path): the lexical answer stands
  }
  // The longest existing prefix decides: a link anywhere on the way counts.
  let at = resolve(folder, path);
  for (;;) {
    try {
      return inside(root, realpathSync.native(at));
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') return false; // ELOOP and the like: refuse
      const parent = dirname(at);
      if (parent === at) return false;
      let dangling = false;
      try {
        dangling = lstatSync(at, { throwIfNoEntry: false })?.isSymbolicLink() ?? false;
      } catch {
        dangling = false; // ENOTDIR: a file on the way; its parent decides
      }
      if (dangling) return false; // a dangling link: the engine would follow it wherever it comes to point
      at = parent;
    }
  }
}

function checkMounts(
  name: string,
  service: Record<string, any>,
  config: ComposeConfig,
  folder: string,
  risks: string[],
): void {
  for (const [i, mount] of (service.volumes ?? []).entries()) {
    const path = `services.${name}.volumes[${i}]`;
    if (typeof mount !== 'object' || mount === null) {
      risks.push(`${path} is not in the rendered long form`);
      continue;
    }
    unknownKeys(path, mount, MOUNT_KEYS, risks);
    unknownKeys(`${path}.bind`, mount.bind, new Set(['create_host_path', 'selinux']), risks);
    unknownKeys(`${path}.volume`, mount.volume, new Set(['nocopy']), risks);
    if (mount.type === 'bind') {
      if (typeof mount.source !== 'string' || !inside(folder, mount.source))
        risks.push(`${path}.source: bind-mounts ${mount.source}, outside the exercise folder`);
      else if (!reallyInside(folder, mount.source))
        risks.push(
          `${path}.source: bind-mounts ${mount.source}, a symbolic link that leads outside the exercise folder`,
        );
    } else if (mount.type === 'volume') {
      if (mount.source !== undefined && !Object.hasOwn(config.volumes ?? {}, mount.source))
        risks.push(`${path}: volume ${mount.source} is not declared under volumes:`);
    } else if (mount.type !== 'tmpfs') risks.push(`${path}: mount type ${mount.type} is not allowed`);
  }
}

function checkLogging(path: string, logging: any, risks: string[]): void {
  if (logging === undefined) return;
  unknownKeys(path, logging, new Set(['driver', 'options']), risks);
  const driver = logging.driver ?? 'json-file';
  if (!LOGGING_DRIVERS.has(driver)) {
    risks.push(`${path}.driver ${driver} is not allowed (json-file, local, none or fluentd)`);
    return;
  }
  if (driver !== 'fluentd') return; // json-file/local options are replaced by de-lab's caps
  unknownKeys(`${path}.options`, logging.options, FLUENTD_OPTIONS, risks);
  const address = String(logging.options?.['fluentd-address'] ?? 'localhost:24224');
  if (!/^(tcp:\/\/)?(localhost|127\.0\.0\.1):\d{1,5}$/.test(address))
    risks.push(`${path}.options.fluentd-address ${address}: only localhost:PORT is allowed`);
}

function checkService(
  name: string,
  service: Record<string, any>,
  config: ComposeConfig,
  folder: string,
  risks: string[],
): void {
  const path = `services.${name}`;
  unknownKeys(path, service, SERVICE_KEYS, risks);
  unknownKeys(`${path}.healthcheck`, service.healthcheck, HEALTHCHECK_KEYS, risks);
  unknownKeys(`${path}.deploy`, service.deploy, DEPLOY_KEYS, risks);
  if (!isEmpty(service.deploy?.placement)) risks.push(`${path}.deploy.placement is not allowed`);
  unknownKeys(`${path}.deploy.resources`, service.deploy?.resources, RESOURCE_KEYS, risks);
  unknownKeys(`${path}.deploy.resources.limits`, service.deploy?.resources?.limits, LIMIT_KEYS, risks);
  unknownKeys(
    `${path}.deploy.resources.reservations`,
    service.deploy?.resources?.reservations,
    new Set(['memory', 'cpus']),
    risks,
  );
  for (const [i, port] of (service.ports ?? []).entries()) unknownKeys(`${path}.ports[${i}]`, port, PORT_KEYS, risks);
  for (const [network, options] of Object.entries(service.networks ?? {})) {
    if (!Object.hasOwn(config.networks ?? {}, network))
      risks.push(`${path}.networks.${network} is not declared under networks:`);
    unknownKeys(`${path}.networks.${network}`, options, SERVICE_NETWORK_KEYS, risks);
  }
  if (
    service.network_mode !== undefined &&
    !/^(none|bridge|service:[a-zA-Z0-9._-]+)$/.test(String(service.network_mode))
  ) {
    risks.push(`${path}.network_mode ${service.network_mode} is not allowed`);
  }
  for (const file of [service.env_file ?? []].flat()) {
    const source = typeof file === 'string' ? file : file?.path;
    if (typeof source !== 'string' || !reallyInside(folder, source))
      risks.push(`${path}.env_file ${source} is outside the exercise folder`);
  }
  for (const option of [service.security_opt ?? []].flat()) {
    if (!/^no-new-privileges([:=]true)?$/.test(String(option)))
      risks.push(`${path}.security_opt ${option} is not allowed`);
  }
  checkMounts(name, service, config, folder, risks);
  checkLogging(`${path}.logging`, service.logging, risks);
}

/**
 * Why a rendered learner compose file may not run; empty when every key and value is allowed.
 * `folder` is the exercise folder: binds and env files must stay inside it.
 */
export function composeRisks(config: ComposeConfig, folder: string): string[] {
  const risks: string[] = [];
  for (const key of Object.keys(config))
    if (!TOP_LEVEL.has(key) && !key.startsWith('x-')) risks.push(`${key}: is not allowed`);
  for (const [name, network] of Object.entries(config.networks ?? {})) {
    unknownKeys(`networks.${name}`, network, NETWORK_KEYS, risks);
    if (!isEmpty(network?.ipam)) risks.push(`networks.${name}.ipam is not allowed`);
    if (network?.external) risks.push(`networks.${name}: external networks are not allowed`);
    if (network?.driver !== undefined && network.driver !== 'bridge')
      risks.push(`networks.${name}.driver ${network.driver} is not allowed`);
  }
  for (const [name, volume] of Object.entries(config.volumes ?? {})) {
    unknownKeys(`volumes.${name}`, volume, VOLUME_KEYS, risks);
    if (volume?.external) risks.push(`volumes.${name}: external volumes are not allowed`);
    if (volume?.driver !== undefined && volume.driver !== 'local')
      risks.push(`volumes.${name}.driver ${volume.driver} is not allowed`);
  }
  for (const [name, service] of Object.entries(config.services ?? {}))
    checkService(name, service ?? {}, config, folder, risks);
  return risks;
}

/**
 * What rendering would hide: `docker compose config` reads `include:` and `extends:` files and
 * inlines `env_file:` contents, so those paths are checked on the learner's own YAML before any
 * rendering reads a host file.
 */
export function sourceRisks(doc: unknown, folder: string): string[] {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return ['the file is not a YAML mapping'];
  const risks: string[] = [];
  const top = doc as Record<string, unknown>;
  for (const key of Object.keys(top))
    if (!TOP_LEVEL.has(key) && !key.startsWith('x-')) risks.push(`${key}: is not allowed`);
  for (const [name, service] of Object.entries((top.services as Record<string, any>) ?? {})) {
    if (!service || typeof service !== 'object') continue;
    for (const file of [service.env_file ?? []].flat()) {
      const source = typeof file === 'string' ? file : file?.path;
      if (typeof source !== 'string' || !inside(folder, source))
        risks.push(`services.${name}.env_file ${source} is outside the exercise folder`);
    }
    const extendsFile = service.extends?.file;
    if (extendsFile !== undefined && (typeof extendsFile !== 'string' || !inside(folder, extendsFile)))
      risks.push(`services.${name}.extends.file ${extendsFile} is outside the exercise folder`);
    if (service.build !== undefined)
      risks.push(`services.${name}.build is not allowed (build images in a docker-build step)`);
  }
  return risks;
}
