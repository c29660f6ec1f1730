/**
 * `--engines a,b=2,…` (and the config key `engines`): where a class is graded. Each entry is a
 * Docker context name, `default` (the engine de-lab uses anyway), or a DOCKER_HOST-style URL
 * (unix://, tcp://, ssh://), with an optional `=slots` (learners graded on it at once).
 */
export interface EngineSpec {
  /** The entry as written, without its slots: the engine's name in reports. */
  name: string;
  kind: 'default' | 'context' | 'url';
  /** Learners at once on this engine; undefined: what its memory allows for the day. */
  slots?: number;
}

export class EngineSpecError extends Error {}

const URL_SCHEMES = ['unix:', 'tcp:', 'ssh:'];
// The docker CLI's rule for context names.
const CONTEXT_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.+-]*$/;

function entry(raw: string): EngineSpec {
  const text = raw.trim();
  // `=` never appears in a context name or an engine URL we accept, so the last one splits off the slots.
  const at = text.lastIndexOf('=');
  const name = (at >= 0 ? text.slice(0, at) : text).trim();
  const slotsText = at >= 0 ? text.slice(at + 1).trim() : undefined;
  let slots: number | undefined;
  if (slotsText !== undefined) {
    slots = Number(slotsText);
    if (!/^[0-9]+$/.test(slotsText) || slots < 1 || slots > 64)
      throw new EngineSpecError(`"${text}": slots must be a whole number from 1 to 64`);
  }
  if (name === '') throw new EngineSpecError(`"${text}": name an engine before "="`);
  if (name === 'default') return { name, kind: 'default', slots };
  if (name.includes('://')) {
    let url: URL;
    try {
      url = new URL(name);
    } catch {
      throw new EngineSpecError(`"${name}" is not a valid engine address`);
    }
    if (!URL_SCHEMES.includes(url.protocol))
      throw new EngineSpecError(`"${name}": an engine address starts with unix://, tcp:// or ssh://`);
    if (url.protocol === 'unix:' ? url.pathname === '' : url.hostname === '')
      throw new EngineSpecError(`"${name}" names no ${url.protocol === 'unix:' ? 'socket' : 'host'}`);
    return { name, kind: 'url', slots };
  }
  if (!CONTEXT_NAME.test(name))
    throw new EngineSpecError(`"${name}" is neither a Docker context name nor an engine address`);
  return { name, kind: 'context', slots };
}

/** Parses the list; throws EngineSpecError (one sentence) on a bad entry or an engine named twice. */
export function parseEngines(text: string): EngineSpec[] {
  const entries = text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map(entry);
  if (entries.length === 0) throw new EngineSpecError('name at least one engine');
  const seen = new Set<string>();
  for (const spec of entries) {
    if (seen.has(spec.name)) throw new EngineSpecError(`"${spec.name}" is named twice`);
    seen.add(spec.name);
  }
  return entries;
}

/** Slots of an engine: as asked, or what its memory allows (never more than the memory allows when asked for more is the caller's choice). */
export function defaultSlots(memoryBytes: number, perLearnerBytes: number): number {
  const usable = memoryBytes > 0 ? memoryBytes * 0.8 : perLearnerBytes;
  return Math.max(1, Math.min(64, Math.floor(usable / perLearnerBytes)));
}
