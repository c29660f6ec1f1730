import { execa } from 'execa';

/**
 * Integration tests need the real engine; they never mock Docker. Fail early with the fix
 * instead of letting every test time out.
 */
export default async function setup(): Promise<void> {
  const info = await execa('docker', ['info', '--format', '{{.ServerVersion}}'], { reject: false, timeout: 20_000 });
  if (info.exitCode !== 0) {
    throw new Error(`Integration tests need a running Docker engine with Compose v2 (docker info failed: ${info.stderr.trim()}). On Debian run ../shared/ci/docker-up.sh as root.`);
  }
  const compose = await execa('docker', ['compose', 'version', '--short'], { reject: false });
  if (compose.exitCode !== 0) throw new Error('Integration tests need the Docker Compose v2 plugin (`docker compose version` failed).');
}
