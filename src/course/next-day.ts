import { statSync } from 'node:fs';
import { join } from 'node:path';
import { isWorkspace } from './workspace.js';

/**
 * The day `init` points to next, so that it agrees with what `start` said: `de-lab start dayN`
 * before `init` makes `<folder>/dayN` (the stack mounts it) and says `de-lab init <folder> && …
 * de-lab exercise dayN`. Before the folder becomes a workspace, the day folder that is there (the
 * newest, if `start` ran for several days) is that day; otherwise the first day of the course.
 * Call it before `initWorkspace`, which makes every day's folder.
 */
export function nextDayAfterInit(root: string, dayIds: string[]): string | undefined {
  if (isWorkspace(root)) return dayIds[0];
  const started = dayIds
    .map((day) => ({ day, mtime: modified(join(root, day)) }))
    .filter((d): d is { day: string; mtime: number } => d.mtime !== undefined)
    .sort((a, b) => b.mtime - a.mtime);
  return started[0]?.day ?? dayIds[0];
}

function modified(dir: string): number | undefined {
  try {
    const stat = statSync(dir);
    return stat.isDirectory() ? stat.mtimeMs : undefined;
  } catch {
    return undefined;
  }
}
