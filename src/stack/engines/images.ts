import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import { parse } from 'yaml';
import { errorMessage } from '../../core/errors.js';

/** Image references of a compose file's services, the prefix filled in. */
export function composeRefs(composeFile: string, prefix: string): string[] {
  if (!existsSync(composeFile)) return [];
  const doc = parse(readFileSync(composeFile, 'utf8')) as { services?: Record<string, { image?: unknown }> };
  return Object.values(doc?.services ?? {})
    .map((service) => service?.image)
    .filter((image): image is string => typeof image === 'string')
    .map((image) => image.replace(/\$\{DE_LAB_IMAGE_PREFIX(?::-[^}]*)?\}/g, prefix));
}

/** `image:` values anywhere in an exercise.yaml whose only placeholder is {prefix} (judges, tools). */
function specRefs(value: unknown, prefix: string, into: string[]): void {
  if (Array.isArray(value)) for (const item of value) specRefs(item, prefix, into);
  else if (value && typeof value === 'object')
    for (const [key, item] of Object.entries(value)) {
      if (key === 'image' && typeof item === 'string') {
        const ref = item.replaceAll('{prefix}', prefix);
        if (!ref.includes('{')) into.push(ref);
      } else specRefs(item, prefix, into);
    }
}

/** FROM images of the Dockerfiles under a folder (learner builds start from them), stage names left out. */
function dockerfileRefs(dir: string, into: string[], depth = 0): void {
  if (depth > 4 || !existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) dockerfileRefs(path, into, depth + 1);
    else if (/^Dockerfile/.test(name)) {
      const stages = new Set<string>();
      for (const line of readFileSync(path, 'utf8').split('\n')) {
        const match = /^\s*FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
        if (!match) continue;
        const ref = match[1]!;
        if (!ref.includes('$') && ref !== 'scratch' && !stages.has(ref.toLowerCase())) into.push(ref);
        if (match[2]) stages.add(match[2].toLowerCase());
      }
    }
  }
}

/** Every image a day's grading uses that an engine must hold: its services, judges and build bases. */
export function dayImageRefs(lab: { dir: string; composeFile: string }, prefix: string): string[] {
  const refs = composeRefs(lab.composeFile, prefix);
  const exercises = join(lab.dir, 'exercises');
  if (existsSync(exercises))
    for (const id of readdirSync(exercises)) {
      const file = join(exercises, id, 'exercise.yaml');
      if (existsSync(file)) specRefs(parse(readFileSync(file, 'utf8')), prefix, refs);
      dockerfileRefs(join(exercises, id), refs);
    }
  return [...new Set(refs)].sort();
}

/** The image's ID on that engine; undefined when it has none of that name (any other failure is thrown). */
export async function imageId(docker: Dockerode, ref: string): Promise<string | undefined> {
  try {
    return (await docker.getImage(ref).inspect()).Id;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return undefined;
    throw error;
  }
}

/** Streams `docker save` of one image from one engine into `docker load` on another: no file between. */
async function carry(source: Dockerode, target: Dockerode, ref: string): Promise<void> {
  const saved = (await source.getImage(ref).get()) as NodeJS.ReadableStream;
  const loading = (await target.loadImage(saved, { quiet: true })) as NodeJS.ReadableStream;
  await new Promise<void>((resolve, reject) => {
    target.modem.followProgress(
      loading,
      (error: unknown, output: Array<{ error?: string; errorDetail?: { message?: string } }>) => {
        const failed = output?.find((line) => line.error || line.errorDetail);
        if (error || failed) reject(new Error(errorMessage(error ?? failed?.error ?? failed?.errorDetail?.message)));
        else resolve();
      },
    );
    saved.on('error', reject);
  });
}

export interface ImageTransfer {
  ref: string;
  /** carried: saved and loaded; same: the engine already had this image ID; absent: the source has none either. */
  action: 'carried' | 'same' | 'absent';
  seconds: number;
}

/** Gives `target` each image of `refs` that `source` holds, where its ID differs or it is missing there. */
export async function syncImages(source: Dockerode, target: Dockerode, refs: string[]): Promise<ImageTransfer[]> {
  const done: ImageTransfer[] = [];
  for (const ref of refs) {
    const started = Date.now();
    const want = await imageId(source, ref);
    let action: ImageTransfer['action'] = 'absent';
    if (want) {
      action = (await imageId(target, ref)) === want ? 'same' : 'carried';
      if (action === 'carried') {
        await carry(source, target, ref);
        const got = await imageId(target, ref);
        if (got !== want) throw new Error(`${ref} arrived as ${got ?? 'nothing'}, not ${want}`);
      }
    }
    done.push({ ref, action, seconds: (Date.now() - started) / 1000 });
  }
  return done;
}
