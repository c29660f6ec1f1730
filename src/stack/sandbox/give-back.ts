import { lstatSync } from 'node:fs';
import { AnchoredDir, LinkRefused } from './anchored.js';

/** de-lab's own folders in a day folder (scratch copies): they stay de-lab's (see session.ts scratchParent). */
const OWN_FOLDERS = new Set(['.grading']);

/**
 * Gives what the containers wrote in a day folder (outputs, checkpoints, logs, as uid 999, 1000 or
 * root) back to the owner of the workspace folder, so a learner who is not root can edit and delete
 * it. Only de-lab running as root can do so (and needs to: otherwise files are the learner's or the
 * containers' uid is the learner's). Goes through folder handles, never through a link a container
 * planted. Returns how many entries changed owner; 0 when there is nothing to do.
 */
export function giveBackToOwner(
  workspaceRoot: string,
  dayDir: string,
  uid = process.getuid?.(),
  platform = process.platform,
): number {
  if (platform !== 'linux' || uid !== 0) return 0;
  const owner = lstatSync(workspaceRoot, { throwIfNoEntry: false });
  if (!owner?.isDirectory() || owner.uid === 0) return 0;
  let day: AnchoredDir;
  try {
    day = AnchoredDir.open(dayDir);
  } catch (error) {
    if (error instanceof LinkRefused || (error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  try {
    return day.chownTree(owner.uid, owner.gid, (name) => OWN_FOLDERS.has(name));
  } finally {
    day.close();
  }
}
