import { execa } from 'execa';

/**
 * Compose projects of the engine (DOCKER_HOST of this process) with a container that mounts a
 * folder under `folder`. Every private stack's day folder lies under its process's TMPDIR, so a test
 * that gives de-lab a TMPDIR of its own finds its stacks this way. A stack's working_dir is the
 * lab's folder, shared with every other run, so it cannot tell them apart.
 */
export async function stacksMounting(folder: string): Promise<string[]> {
  const ids = String(
    (await execa('docker', ['ps', '-aq', '--filter', 'label=com.docker.compose.project'], { reject: false })).stdout,
  )
    .split('\n')
    .filter(Boolean);
  if (ids.length === 0) return [];
  const inspected = JSON.parse(String((await execa('docker', ['inspect', ...ids], { reject: false })).stdout) || '[]');
  const projects = (
    inspected as Array<{ Config: { Labels: Record<string, string> }; Mounts: Array<{ Source?: string }> }>
  )
    .filter((c) => c.Mounts.some((m) => m.Source?.startsWith(folder)))
    .map((c) => c.Config.Labels['com.docker.compose.project']!);
  return [...new Set(projects)];
}
