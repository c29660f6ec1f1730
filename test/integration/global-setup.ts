import { join, resolve } from 'node:path';
import { execa } from 'execa';

const root = resolve(import.meta.dirname, '..', '..');

/**
 * Images the integration suite runs for real; built once here through de-lab itself (layer cache
 * after the first time). fluentd and turnilo need the gem registry / the turnilo npm package, or the
 * offline package folder in DE_LAB_PACKAGES (.ci/run passes ../shared/vendor).
 */
export const SUITE_IMAGES = ['mariadb', 'tools', 'kafka', 'spark', 'druid', 'fluentd', 'turnilo'];

/**
 * Integration tests need the real engine; they never mock Docker. Fail early with the fix
 * instead of letting every test time out, then build the course images (cold in CI).
 */
export default async function setup(): Promise<void> {
  const info = await execa('docker', ['info', '--format', '{{.ServerVersion}}'], { reject: false, timeout: 20_000 });
  if (info.exitCode !== 0) {
    throw new Error(
      `Integration tests need a running Docker engine with Compose v2 (docker info failed: ${info.stderr.trim()}). On Debian run ../shared/ci/docker-up.sh as root.`,
    );
  }
  const compose = await execa('docker', ['compose', 'version', '--short'], { reject: false });
  if (compose.exitCode !== 0)
    throw new Error('Integration tests need the Docker Compose v2 plugin (`docker compose version` failed).');
  if (process.env.DE_LAB_SKIP_IMAGE_BUILD === '1') return;
  const started = Date.now();
  const build = await execa('node', [join(root, 'bin', 'de-lab.js'), 'images', 'build', ...SUITE_IMAGES], {
    reject: false,
    env: { ...process.env, CI: 'true', NO_COLOR: '1' },
    stdout: ['pipe', 'inherit'],
    stderr: ['pipe', 'inherit'],
  });
  console.log(
    `[global-setup] images ${SUITE_IMAGES.join(', ')} ready in ${Math.round((Date.now() - started) / 1000)} s`,
  );
  if (build.exitCode !== 0)
    throw new Error(`Building the course images failed (exit ${build.exitCode}); see the output above.`);
}
