import type { Command } from 'commander';
import { loadConfig, type ResolvedConfig, type ConfigOverrides } from '../config/config.js';
import { DeLabError, EXIT, errorMessage, isDeLabError } from '../core/errors.js';
import { setLang, tr } from '../i18n/lang.js';
import { contextExists } from '../stack/docker-config.js';
import { configureColor, marks, style } from '../ui/style.js';
import { onStateRecovery, recoveryMessage } from '../course/state-notice.js';

export interface GlobalOptions {
  json?: boolean;
  color?: boolean;
  verbose?: boolean;
  lang?: string;
  yes?: boolean;
  context?: string;
}

export interface Context {
  json: boolean;
  verbose: boolean;
  config: ResolvedConfig;
  /** True when a person can answer prompts. */
  interactive: boolean;
  out(text: string): void;
  err(text: string): void;
  /** Prints `data` as JSON with --json, else the text from `render`. */
  emit<T>(data: T, render: (data: T) => string): void;
}

export function createContext(globals: GlobalOptions, flags: ConfigOverrides = {}): Context {
  configureColor(globals.color !== false);
  const config = loadConfig({ lang: globals.lang, context: globals.context, ...flags });
  setLang(config.values.lang);
  useContext(config.values.context, config.origins.context === 'flag');
  const json = globals.json === true;
  // A recovered progress file is worth one warning line (stderr, so --json output stays clean).
  onStateRecovery((recovery) => {
    process.stderr.write(`${style.warn(marks.warn)} ${recoveryMessage(recovery)}\n`);
  });
  return {
    json,
    verbose: globals.verbose === true,
    config,
    interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY) && process.env.CI !== 'true' && !json,
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : text + '\n'),
    err: (text) => process.stderr.write(text.endsWith('\n') ? text : text + '\n'),
    emit(data, render) {
      this.out(json ? JSON.stringify(data, null, 2) : render(data));
    },
  };
}

/**
 * Points this process (the engine client, `docker compose`) at the chosen Docker context: the
 * --context flag always, config `context` unless DOCKER_HOST or DOCKER_CONTEXT already choose.
 */
export function useContext(name: string, explicit: boolean, env: NodeJS.ProcessEnv = process.env): void {
  if (!name || (!explicit && (env.DOCKER_HOST || env.DOCKER_CONTEXT))) return;
  if (!contextExists(name, env))
    throw new DeLabError(
      tr({ en: `There is no Docker context named ${name}.`, ko: `${name}라는 Docker 컨텍스트가 없습니다.` }),
      {
        hint: tr({
          en: `Create it with \`docker context create ${name} --docker host=ssh://user@host\` (see \`docker context ls\`), or fix --context or \`de-lab config set context\`.`,
          ko: `\`docker context create ${name} --docker host=ssh://user@host\`로 만들거나(\`docker context ls\` 참고) --context 또는 \`de-lab config set context\`를 고치세요.`,
        }),
        code: 'E_CONTEXT',
        exitCode: EXIT.usage,
      },
    );
  delete env.DOCKER_HOST;
  env.DOCKER_CONTEXT = name;
}

export function reportError(error: unknown, json: boolean, verbose: boolean): number {
  const known = isDeLabError(error);
  const message = known ? error.message : errorMessage(error);
  const hint = known
    ? error.hint
    : tr({
        en: 'This is unexpected: run it again with --verbose and report the output.',
        ko: '예상하지 못한 오류입니다. --verbose로 다시 실행해 출력을 알려 주세요.',
      });
  if (json) {
    process.stdout.write(
      JSON.stringify({ error: { code: known ? error.code : 'E_UNEXPECTED', message, hint } }, null, 2) + '\n',
    );
  } else {
    process.stderr.write(`${style.fail(marks.fail)} ${message}\n${hint ? `  ${style.dim('→')} ${hint}\n` : ''}`);
  }
  if (verbose && error instanceof Error && error.stack) process.stderr.write(style.dim(error.stack) + '\n');
  return known ? error.exitCode : EXIT.failed;
}

/**
 * Wraps a command body: builds the context from global flags, turns errors into one
 * sentence plus a hint, and sets the exit code (a body returns non-zero for "ran, but failed").
 */
export function action<A extends unknown[]>(
  body: (ctx: Context, ...args: A) => Promise<number | void>,
  flagsOf?: (...args: A) => ConfigOverrides,
) {
  return async (...raw: unknown[]): Promise<void> => {
    const command = raw[raw.length - 1] as Command;
    const args = raw.slice(0, -1) as A;
    const globals = command.optsWithGlobals() as GlobalOptions;
    let ctx: Context | undefined;
    try {
      ctx = createContext(globals, flagsOf ? flagsOf(...args) : {});
      const code = await body(ctx, ...args);
      process.exitCode = code ?? 0;
    } catch (error) {
      process.exitCode = reportError(error, globals.json === true, globals.verbose === true);
    }
  };
}

export function usageError(message: string, hint: string): DeLabError {
  return new DeLabError(message, { hint, code: 'E_USAGE', exitCode: EXIT.usage });
}
