import { baseImage, type NotProbed, type Source } from './sources.js';

/**
 * Where each registry is, as its client says. The answers are the clients' raw outputs (faked in
 * tests); undefined when that client is not on this machine or did not answer.
 */
export interface ClientOutputs {
  /** stdout of `npm config get registry`. */
  npmRegistry(): Promise<string | undefined>;
  /** stdout of pip's own configuration and built-in index, as JSON: { config: {key: value}, default }. */
  pipConfig(): Promise<string | undefined>;
  /** stdout of `gem sources --list`. */
  gemSources(): Promise<string | undefined>;
  /** The text of the base image's apt sources files; undefined when the image is not here. */
  aptSources(image: string): Promise<string | undefined>;
}

/** A source resolved to the URL to probe, or the reason it is not probed. */
export type SourcePlan = { url: string; from: string } | { notProbed: NotProbed };

const HTTP = /^https?:\/\/\S+$/;

function firstUrl(text: string | undefined): string | undefined {
  return text
    ?.split(/\r?\n/)
    .map((line) => line.trim())
    .find((line) => HTTP.test(line));
}

/** `base` + `path` with exactly one slash between them. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

/** The index URL pip installs from: its configuration (environment, then install, then global), else its built-in one. */
export function pipIndexUrl(output: string | undefined): { url: string; from: string } | undefined {
  if (!output) return undefined;
  let answer: { config?: Record<string, string>; default?: string };
  try {
    answer = JSON.parse(output) as typeof answer;
  } catch {
    return undefined;
  }
  for (const key of [':env:.index-url', 'install.index-url', 'global.index-url']) {
    const url = answer.config?.[key]?.trim().split(/\s+/)[0];
    if (url && HTTP.test(url)) return { url, from: key.startsWith(':env:') ? 'PIP_INDEX_URL' : `pip config ${key}` };
  }
  return answer.default && HTTP.test(answer.default)
    ? { url: answer.default, from: "pip's built-in index" }
    : undefined;
}

/**
 * The archive URIs that serve `dist` in apt sources: deb822 stanzas (`URIs:` / `Suites:` of
 * /etc/apt/sources.list.d/*.sources) and one-line `deb URI SUITE COMPONENTS...` entries.
 */
export function aptSuiteUris(text: string, dist: string): string[] {
  const uris: string[] = [];
  for (const stanza of text.split(/\r?\n\s*\r?\n/)) {
    const field = (key: string) =>
      new RegExp(`^${key}:[ \\t]*(.*)$`, 'im').exec(stanza)?.[1]?.trim().split(/\s+/).filter(Boolean) ?? [];
    const types = field('Types');
    if (types.length > 0 && !types.includes('deb')) continue;
    if (field('Suites').includes(dist)) uris.push(...field('URIs').filter((uri) => HTTP.test(uri)));
  }
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)/.exec(line);
    if (match && match[2] === dist && HTTP.test(match[1]!)) uris.push(match[1]!);
  }
  return [...new Set(uris)];
}

/** PEP 503's normalised project name, as the simple index names it. */
function pep503(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** Asks the client of the source's registry where it is and picks the URL to probe. */
export async function planSource(source: Source, clients: ClientOutputs): Promise<SourcePlan> {
  switch (source.registry) {
    case 'maven':
      return { notProbed: { why: 'no-client-says' } };
    case 'npm': {
      const base = firstUrl(await clients.npmRegistry());
      if (!base) return { notProbed: { why: 'no-client', client: 'npm' } };
      return { url: joinUrl(base, source.package.replace('/', '%2f')), from: 'npm config get registry' };
    }
    case 'pypi': {
      const index = pipIndexUrl(await clients.pipConfig());
      if (!index) return { notProbed: { why: 'no-client', client: 'pip' } };
      return { url: joinUrl(index.url, `${pep503(source.package)}/`), from: index.from };
    }
    case 'gems': {
      const base = firstUrl(await clients.gemSources());
      if (!base) return { notProbed: { why: 'no-client', client: 'gem' } };
      return { url: joinUrl(base, `api/v1/versions/${source.gem}.json`), from: 'gem sources --list' };
    }
    case 'apt': {
      const image = baseImage(source);
      const text = await clients.aptSources(image);
      if (text === undefined) return { notProbed: { why: 'no-image', image } };
      const uri = aptSuiteUris(text, source.dist)[0];
      if (!uri) return { notProbed: { why: 'no-suite', image, dist: source.dist } };
      return { url: joinUrl(uri, `dists/${source.dist}/InRelease`), from: `apt sources of ${image}` };
    }
  }
}
