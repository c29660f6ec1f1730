import { execa, type ResultPromise } from 'execa';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
import { DeLabError, errorMessage } from '../core/errors.js';
import { tr } from '../i18n/lang.js';
import type { Lab } from '../course/labs.js';
import { lastLine as lastLineOf } from '../core/text.js';

/** Everything de-lab passes to `docker compose` for one day's stack. */
export interface ComposeTarget {
  project: string;
  files: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** The files switch the services' healthchecks off; start runs them itself, once (health-probe.ts). */
  probeHealth?: boolean;
}

export function projectName(labId: string): string {
  return `de-lab-${labId}`;
}

export function composeTarget(
  lab: Lab,
  settings: { imagePrefix: string; workspace: string },
  extra: { project?: string; files?: string[]; env?: NodeJS.ProcessEnv; base?: NodeJS.ProcessEnv } = {},
): ComposeTarget {
  return {
    project: extra.project ?? projectName(lab.id),
    files: [lab.composeFile, ...(extra.files ?? [])],
    cwd: lab.dir,
    env: {
      // base: the CLI environment of the engine the stack runs on (engines/cli-env.ts).
      ...(extra.base ?? process.env),
      DE_LAB_IMAGE_PREFIX: settings.imagePrefix,
      DE_LAB_WORKSPACE: settings.workspace,
      ...extra.env,
    },
  };
}

function baseArgs(target: ComposeTarget): string[] {
  return [
    'compose',
    '--project-name',
    target.project,
    '--project-directory',
    target.cwd,
    ...target.files.flatMap((file) => ['-f', file]),
  ];
}

/** Runs `docker compose …` for the target and returns its output; failures become one sentence. */
export async function compose(
  target: ComposeTarget,
  args: string[],
  options: { timeoutMs?: number } = {},
): Promise<string> {
  try {
    const result = await execa('docker', [...baseArgs(target), ...args], {
      env: target.env,
      timeout: options.timeoutMs ?? 30 * 60_000,
      stdin: 'ignore',
    });
    return result.stdout;
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? errorMessage(error)).trim();
    throw new DeLabError(
      tr({
        en: `docker compose ${args[0]} failed for ${target.project}: ${lastLine(stderr)}`,
        ko: `${target.project}의 docker compose ${args[0]} 실패: ${lastLine(stderr)}`,
      }),
      { hint: composeHint(stderr), code: 'E_COMPOSE', cause: error },
    );
  }
}

/** Starts `docker compose …` without waiting, so the caller can watch and interrupt it. */
export function composeProcess(target: ComposeTarget, args: string[]): ResultPromise {
  return execa('docker', [...baseArgs(target), ...args], {
    env: target.env,
    stdin: 'ignore',
    reject: false,
    all: true,
  });
}

const lastLine = (text: string): string => lastLineOf(text) ?? 'no output';

export function composeHint(output: string): string {
  if (/address already in use|port is already allocated/i.test(output)) {
    return tr({
      en: 'A host port is taken: stop what holds it (`de-lab status` shows de-lab stacks), then start again.',
      ko: '호스트 포트가 사용 중입니다. 점유한 것을 멈춘 뒤(`de-lab status`로 de-lab 스택 확인) 다시 시작하세요.',
    });
  }
  if (/pull access denied|manifest unknown|not found: manifest|No such image/i.test(output)) {
    return tr({
      en: 'An image is missing: run `de-lab images build` (or `de-lab images pull`), then start again.',
      ko: '이미지가 없습니다. `de-lab images build`(또는 `de-lab images pull`) 후 다시 시작하세요.',
    });
  }
  return tr({
    en: "Check the message above; `de-lab logs DAY` shows the services' output.",
    ko: '위 메시지를 확인하세요. `de-lab logs DAY`로 서비스 출력을 볼 수 있습니다.',
  });
}

/** The services of a compose file, in file order, with what de-lab needs to know about each. */
export interface ServiceSpec {
  name: string;
  hasHealthcheck: boolean;
  /** A one-shot job (restart: "no" and labelled de-lab.oneshot) is done when it exits 0. */
  oneshot: boolean;
  ports: number[];
  memLimit?: string;
}

export function composeServices(composeFile: string): ServiceSpec[] {
  const doc = parse(readFileSync(composeFile, 'utf8')) as { services?: Record<string, any> };
  return Object.entries(doc.services ?? {}).map(([name, spec]) => ({
    name,
    hasHealthcheck: Boolean(spec?.healthcheck && !spec.healthcheck.disable),
    oneshot:
      spec?.labels?.['de-lab.oneshot'] === 'true' ||
      (Array.isArray(spec?.labels) && spec.labels.includes('de-lab.oneshot=true')),
    ports: (spec?.ports ?? []).map(hostPort).filter((port: number | undefined): port is number => port !== undefined),
    memLimit: spec?.mem_limit ?? spec?.deploy?.resources?.limits?.memory,
  }));
}

/** The host port of a compose port entry ("127.0.0.1:8080:80", "8080:80", { published: 8080 }). */
export function hostPort(entry: unknown): number | undefined {
  if (typeof entry === 'object' && entry !== null) {
    const published = (entry as { published?: string | number }).published;
    return published === undefined ? undefined : Number(String(published).replace(/\$\{[^}]*:-([0-9]+)\}/, '$1'));
  }
  const text = String(entry)
    .replace(/\$\{[^}]*:-([0-9]+)\}/g, '$1')
    .replace(/\/(tcp|udp)$/, '');
  const parts = text.split(':');
  if (parts.length < 2) return undefined;
  const port = Number(parts[parts.length - 2]);
  return Number.isInteger(port) && port > 0 ? port : undefined;
}
