import { DeLabError, EXIT } from '../core/errors.js';
import { EngineSpecError, parseEngines } from '../config/engines.js';
import { tr } from '../i18n/lang.js';
import { engineCliEnv } from '../stack/engines/cli-env.js';
import { inspectContext } from '../stack/engines/resolve.js';

/** The engine `de-lab doctor --engine` looks at: the environments that reach it. */
export interface EngineTarget {
  name: string;
  /** For the Engine API client (dockerode): the address, and a context's TLS files. */
  apiEnv: NodeJS.ProcessEnv;
  /** For the docker CLI (compose). */
  cliEnv: NodeJS.ProcessEnv;
}

function badEngine(text: string, reason: string): DeLabError {
  return new DeLabError(
    tr({
      en: `--engine ${text} is not understood: ${reason}.`,
      ko: `--engine ${text}을 해석할 수 없습니다: ${reason}.`,
    }),
    {
      hint: tr({
        en: 'Name one Docker context (`docker context ls`) or one address like ssh://user@host or tcp://host:2376.',
        ko: 'Docker 컨텍스트 하나(`docker context ls`)나 ssh://user@host, tcp://host:2376 같은 주소 하나를 쓰세요.',
      }),
      code: 'E_ENGINES',
      exitCode: EXIT.usage,
    },
  );
}

/** `--engine NAME`: a context name or an engine address; an unknown context is one sentence (exit 2). */
export async function engineTarget(text: string, base: NodeJS.ProcessEnv = process.env): Promise<EngineTarget> {
  let specs;
  try {
    specs = parseEngines(text);
  } catch (error) {
    if (error instanceof EngineSpecError) throw badEngine(text, error.message);
    throw error;
  }
  const spec = specs[0]!;
  if (specs.length !== 1 || spec.slots !== undefined) throw badEngine(text, 'name exactly one engine, without slots');
  if (spec.kind === 'default') {
    const cliEnv = engineCliEnv({ kind: 'context', context: 'default' }, base);
    return { name: spec.name, apiEnv: cliEnv, cliEnv };
  }
  if (spec.kind === 'url') {
    const env = engineCliEnv({ kind: 'url', host: spec.name }, base);
    return { name: spec.name, apiEnv: env, cliEnv: env };
  }
  const context = await inspectContext(spec.name, '--engine');
  const cliEnv = engineCliEnv({ kind: 'context', context: spec.name }, base);
  const apiEnv = { ...cliEnv };
  if (context.certPath) Object.assign(apiEnv, { DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: context.certPath });
  return { name: spec.name, apiEnv, cliEnv };
}
