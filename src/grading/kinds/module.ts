import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readContained } from '../../stack/sandbox/anchored.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { short, type Verdict } from '../compare.js';
import { execService, serviceContainerId } from '../../stack/sandbox/containers.js';
import { hostPath } from '../context.js';
import type { Check } from '../schema.js';
import type { CheckKind } from './types.js';

type ModuleCheck = Extract<Check, { kind: 'module' }>;

/** What a check module gets to look at the world with. */
export interface ModuleApi {
  role: string;
  seed: number;
  /** Host folder with the files being graded, and the same folder inside the day's containers. */
  workdir: string;
  mount: string;
  project: string;
  vars: Record<string, string>;
  readFile(path: string): string | undefined;
  exec(
    service: string,
    command: string[],
    options?: { project?: string; timeoutSec?: number },
  ): Promise<{ exitCode: number; stdout: string; stderr: string }>;
}

export interface CheckModule {
  observe(api: ModuleApi, options: Record<string, unknown>): Promise<unknown> | unknown;
  judge(observed: any, reference: any, options: Record<string, unknown>): Verdict;
}

/**
 * Loads a check module. TypeScript is transpiled (types erased, no type check) into a cache
 * keyed by content; modules should be self-contained (node: built-ins and type-only imports).
 */
export async function loadCheckModule(file: string): Promise<CheckModule> {
  if (!existsSync(file)) throw new Error(`check module ${file} does not exist`);
  let target = file;
  if (/\.m?ts$/.test(file)) {
    const source = readFileSync(file, 'utf8');
    const dir = join(tmpdir(), 'de-lab-check-modules');
    target = join(dir, `${createHash('sha256').update(file).update(source).digest('hex').slice(0, 16)}.mjs`);
    if (!existsSync(target)) {
      const ts = (await import('typescript')).default;
      const out = ts.transpileModule(source, {
        fileName: file,
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
      });
      mkdirSync(dir, { recursive: true });
      writeFileSync(target, out.outputText);
    }
  }
  const loaded = (await import(pathToFileURL(target).href)) as Partial<CheckModule> & {
    default?: Partial<CheckModule>;
  };
  const mod = loaded.default && typeof loaded.default.observe === 'function' ? loaded.default : loaded;
  if (typeof mod.observe !== 'function' || typeof mod.judge !== 'function')
    throw new Error(`check module ${file} must export observe() and judge()`);
  return mod as CheckModule;
}

export const moduleKind: CheckKind<ModuleCheck> & { loaded: Map<string, CheckModule> } = {
  loaded: new Map(),
  needsReference: (check) => check.compareToReference,
  async observe(ctx, check) {
    const file = join(ctx.spec.dir, check.module);
    const mod = await loadCheckModule(file);
    moduleKind.loaded.set(file + check.id, mod);
    const api: ModuleApi = {
      role: ctx.role,
      seed: ctx.seed,
      workdir: ctx.workdir,
      mount: ctx.vars.mount ?? ctx.workdir,
      project: ctx.dayProject,
      vars: { ...ctx.vars },
      // Never through a link a container planted: the file must really lie in the graded folder.
      readFile: (path) => readContained(ctx.workdir, hostPath(ctx, path), 64 * 1024 * 1024)?.toString('utf8'),
      exec: async (service, command, options = {}) => {
        const id = await serviceContainerId(ctx.docker, options.project ?? ctx.dayProject, service);
        const result = await execService({
          docker: ctx.docker,
          containerId: id,
          command,
          timeoutMs: (options.timeoutSec ?? check.timeoutSec) * 1000,
        });
        return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
      },
    };
    // `judge` is synchronous and gets no context: keep the module with the observation.
    return { module: file + check.id, value: await mod.observe(api, check.options) };
  },
  judge(check, observed: { module: string; value: unknown }, reference: { value: unknown } | undefined) {
    const mod = moduleKind.loaded.get(observed.module);
    if (!mod) return { ok: false, expected: `check module ${check.module} loaded`, found: 'not loaded' };
    let verdict: Verdict | undefined;
    try {
      verdict = mod.judge(observed.value, reference?.value, check.options);
    } catch (error) {
      return {
        ok: false,
        expected: `check module ${check.module} judges the output`,
        found: `its judge() failed: ${short((error as Error)?.message ?? String(error), 200)}`,
      };
    }
    if (!verdict || typeof verdict !== 'object')
      return {
        ok: false,
        expected: `check module ${check.module} judges the output`,
        found: `its judge() returned ${short(String(verdict), 80)}, not a verdict`,
      };
    return { ok: verdict.ok === true, expected: String(verdict.expected ?? ''), found: String(verdict.found ?? '') };
  },
};
