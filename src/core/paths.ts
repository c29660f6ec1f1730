import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The de-lab package folder (holds labs/), whether running from src/ (tests) or dist/. */
export const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The course: labs/ of the package, or DE_LAB_LABS_DIR (an instructor's own course, tests). */
export const labsDir =
  process.env.DE_LAB_LABS_DIR && process.env.DE_LAB_LABS_DIR !== ''
    ? resolve(process.env.DE_LAB_LABS_DIR)
    : join(packageRoot, 'labs');
export const imagesDir = join(packageRoot, 'labs', 'images');

/** The de-lab version, from the package's package.json. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
}

/** XDG config folder: $XDG_CONFIG_HOME/de-lab or ~/.config/de-lab. */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  const base =
    env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.trim() !== '' ? env.XDG_CONFIG_HOME : join(homedir(), '.config');
  return join(base, 'de-lab');
}

/** The user config file; DE_LAB_CONFIG points elsewhere (tests, several profiles). */
export function configFile(env: NodeJS.ProcessEnv = process.env): string {
  return env.DE_LAB_CONFIG && env.DE_LAB_CONFIG.trim() !== ''
    ? resolve(env.DE_LAB_CONFIG)
    : join(configDir(env), 'config.yaml');
}

/** Where de-lab keeps state that is not the learner's work (bundles, grading runs). */
export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  const base =
    env.XDG_DATA_HOME && env.XDG_DATA_HOME.trim() !== '' ? env.XDG_DATA_HOME : join(homedir(), '.local', 'share');
  return join(base, 'de-lab');
}
