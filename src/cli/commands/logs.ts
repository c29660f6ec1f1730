import { Option, type Command } from 'commander';
import { wholeNumber } from '../parse.js';
import { DeLabError, EXIT } from '../../core/errors.js';
import { tr } from '../../i18n/lang.js';
import { action, type Context } from '../context.js';
import { example } from '../help.js';

async function logs(
  ctx: Context,
  day: string,
  service: string | undefined,
  options: { follow?: boolean; since?: string; tail?: number },
): Promise<number> {
  const { findLab } = await import('../../course/labs.js');
  const { requireEngine } = await import('../../stack/engine.js');
  const { streamLogs } = await import('../../stack/logs.js');
  const lab = findLab(day);
  const { docker } = await requireEngine();
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.on('SIGINT', onSignal);
  let count: number;
  try {
    count = await streamLogs({
      docker,
      project: `de-lab-${lab.id}`,
      service,
      follow: options.follow === true,
      since: options.since,
      tail: options.tail,
      write: (line) => ctx.out(line),
      signal: controller.signal,
    });
  } catch (error) {
    if (/is not a time/.test(String(error)))
      throw new DeLabError(String((error as Error).message) + '.', {
        hint: 'de-lab logs day4 kafka --since 10m',
        code: 'E_USAGE',
        exitCode: EXIT.usage,
      });
    throw error;
  }
  process.removeListener('SIGINT', onSignal);
  if (count === 0) {
    throw new DeLabError(
      service
        ? tr({
            en: `${lab.id} has no container for a service called "${service}".`,
            ko: `${lab.id}에 "${service}" 서비스 컨테이너가 없습니다.`,
          })
        : tr({ en: `${lab.id} has no containers.`, ko: `${lab.id}에 컨테이너가 없습니다.` }),
      {
        hint: tr({
          en: `Start it with \`de-lab start ${lab.id}\`; \`de-lab status\` lists the services.`,
          ko: `\`de-lab start ${lab.id}\`로 시작하세요. \`de-lab status\`가 서비스를 보여 줍니다.`,
        }),
        code: 'E_NO_CONTAINER',
      },
    );
  }
  return 0;
}

export function register(program: Command): void {
  program
    .command('logs <day> [service]')
    .description("Print the output of a day's services (all, or one)")
    .option('-f, --follow', 'keep printing new lines until Ctrl-C')
    .option('--since <time>', 'only lines newer than this: 10m, 2h, 30s or an ISO date')
    .addOption(
      new Option(
        '--tail <lines>',
        'only the last N lines of each service, 0 to 1000000 (0 with -f: only new lines)',
      ).argParser(wholeNumber(0, 1_000_000, 100)),
    )
    .addHelpText(
      'after',
      example(['de-lab logs day4', 'de-lab logs day4 kafka -f', 'de-lab logs day1 mariadb --since 10m']),
    )
    .action(action(logs));
}
