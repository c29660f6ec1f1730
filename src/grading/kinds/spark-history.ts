import { posix } from 'node:path';
import type Dockerode from 'dockerode';

// The History Server side of a day-3 check: the run's log, published where the History Server
// looks, under a name that tells it apart from the learner's own runs; and the link to its SQL page.

/** What a check's run is called in the History Server, after the job's own name, by role. */
const ROLE_LABEL: Record<string, string> = {
  learner: 'check of your files',
  reference: 'reference solution',
  starter: 'selftest: starter',
  solution: 'selftest: solution',
};

/**
 * The log with its application renamed for the History Server: `day3-partitions` becomes
 * `day3-partitions (check of your files)` or `(reference solution)`, while the learner's own
 * `de-lab run` keeps the plain name. Only the published copy is renamed; the check judged the
 * original. A log without an application start is returned as it is.
 */
export function renameApp(text: string, role: string): string {
  const label = ROLE_LABEL[role] ?? role;
  const lines = text.split('\n');
  const at = lines.findIndex((line) => line.includes('"SparkListenerApplicationStart"'));
  if (at < 0) return text;
  try {
    const event = JSON.parse(lines[at]!) as { Event?: string; 'App Name'?: string };
    if (event.Event !== 'SparkListenerApplicationStart') return text;
    event['App Name'] = `${event['App Name'] ?? 'app'} (${label})`;
    lines[at] = JSON.stringify(event);
    return lines.join('\n');
  } catch {
    return text;
  }
}

/** The History Server's SQL page of one application: every query of the run, with its plan and metrics. */
export function sqlPage(historyUrl: string, appId: string): string {
  return `${historyUrl.replace('{appId}', appId).replace(/\/+$/, '')}/SQL/`;
}

/**
 * A copy of the run's log next to its folder, where the History Server looks (it does not read
 * sub-folders), so the link opens the job. Best effort: the check does not depend on it.
 */
export async function publishForHistory(
  container: Dockerode.Container,
  dir: string,
  name: string,
  text: string,
): Promise<void> {
  try {
    const { pack } = await import('tar-stream');
    const tar = pack();
    tar.entry({ name, mode: 0o644, uid: 1000, gid: 1000 }, text);
    tar.finalize();
    await container.putArchive(tar as unknown as NodeJS.ReadableStream, {
      path: posix.dirname(dir),
      noOverwriteDirNonDir: true,
    });
  } catch {
    // The History Server link is a convenience.
  }
}
