import { z } from 'zod';
import { josa } from '../i18n/josa.js';
import { tr, type Text } from '../i18n/lang.js';

/**
 * The registries a recipe's build downloads from, named by kind and item, never by host: where
 * each registry is comes from its client (npm's and pip's configuration, the apt sources of the
 * base image), and a registry whose client here cannot say (Maven, often RubyGems) is named in
 * words and not probed.
 */
const name = z.string().min(1);
export const sourceSchema = z.discriminatedUnion('registry', [
  z
    .object({
      name,
      registry: z.literal('apt'),
      /** The suite the base image installs from (bookworm). */
      dist: z.string().regex(/^[a-z][a-z0-9-]*$/),
      /** The base image whose apt sources say where the suite is; debian:<dist>-slim by default. */
      image: z.string().min(1).optional(),
    })
    .strict(),
  z.object({ name, registry: z.literal('maven'), artifact: z.string().regex(/^[^:\s]+:[^:\s]+:[^:\s]+$/) }).strict(),
  z.object({ name, registry: z.literal('pypi'), package: z.string().min(1) }).strict(),
  z.object({ name, registry: z.literal('npm'), package: z.string().min(1) }).strict(),
  z.object({ name, registry: z.literal('gems'), gem: z.string().min(1) }).strict(),
]);
export type Source = z.infer<typeof sourceSchema>;
export type RegistryKind = Source['registry'];

/** What one source is asked for: the suite, artifact, package or gem. */
export function sourceItem(source: Source): string {
  switch (source.registry) {
    case 'apt':
      return source.dist;
    case 'maven':
      return source.artifact;
    case 'gems':
      return source.gem;
    default:
      return source.package;
  }
}

/** The same source asked for another item (a recipe's `packages.stillProbe`). */
export function withItem(source: Source, item: string): Source {
  switch (source.registry) {
    case 'apt':
      return { ...source, dist: item };
    case 'maven':
      return { ...source, artifact: item };
    case 'gems':
      return { ...source, gem: item };
    default:
      return { ...source, package: item };
  }
}

export function baseImage(source: Extract<Source, { registry: 'apt' }>): string {
  return source.image ?? `debian:${source.dist}-slim`;
}

/** The client that asks each kind of registry inside the build. */
export const CLIENT: Record<RegistryKind, string> = {
  apt: 'apt',
  maven: 'Maven',
  pypi: 'pip',
  npm: 'npm',
  gems: 'RubyGems',
};

/** Why a source was not probed. */
export type NotProbed =
  | { why: 'no-client-says' }
  | { why: 'no-client'; client: string }
  | { why: 'no-image'; image: string }
  | { why: 'no-suite'; image: string; dist: string };

/** One source as the preflight saw it. */
export interface SourceCheck {
  name: string;
  registry: RegistryKind;
  item: string;
  /** The URL probed; absent when not probed. */
  url?: string;
  /** Where the URL's base came from, e.g. "npm config get registry". */
  from?: string;
  probed: boolean;
  reachable?: boolean;
  status?: number;
  error?: string;
  notProbed?: NotProbed;
}

function reasonText(reason: NotProbed): Text {
  switch (reason.why) {
    case 'no-client-says':
      return {
        en: 'no client on this machine says where it is',
        ko: '이 컴퓨터의 어떤 클라이언트도 위치를 알려 주지 않음',
      };
    case 'no-client':
      return {
        en: `no ${reason.client} on this machine to ask`,
        ko: `물어볼 ${reason.client} 클라이언트가 이 컴퓨터에 없음`,
      };
    case 'no-image':
      return {
        en: `the base image ${reason.image} is not here yet`,
        ko: `기본 이미지 ${josa(reason.image, '이/가')} 아직 없음`,
      };
    case 'no-suite':
      return {
        en: `the apt sources of ${reason.image} list no ${reason.dist}`,
        ko: `${reason.image}의 apt 소스에 ${reason.dist} 항목이 없음`,
      };
  }
}

/** One line per source for the preflight: reachable, unreachable, or named in words. */
export function describeCheck(check: SourceCheck): string {
  if (!check.probed) {
    const client = CLIENT[check.registry];
    const reason = tr(reasonText(check.notProbed ?? { why: 'no-client-says' }));
    return tr({
      en: `${check.name}, asked by ${client} inside the build: not probed (${reason})`,
      ko: `${check.name}: 빌드 안에서 ${josa(client, '이/가')} 요청합니다. 미리 확인하지 않았습니다(${reason})`,
    });
  }
  if (check.reachable) {
    return tr({
      en: `${check.name}: reachable (${check.url}: HTTP ${check.status})`,
      ko: `${check.name}: 연결됨(${check.url}: HTTP ${check.status})`,
    });
  }
  return `${check.name} unreachable (${check.url}: ${unreachableDetail(check)})`;
}

export function unreachableDetail(check: Pick<SourceCheck, 'status' | 'error'>): string {
  return check.status ? `HTTP ${check.status}` : (check.error ?? 'no answer');
}
