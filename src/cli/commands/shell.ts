import type { Command } from 'commander';
import { DeLabError, EXIT } from '../../core/errors.js';
import { tr } from '../../i18n/lang.js';
import { action, type Context } from '../context.js';
import { example } from '../help.js';

async function shell(
  _ctx: Context,
  day: string,
  service: string,
  command: string[],
  options: { stdin?: boolean },
): Promise<number> {
  const { findLab } = await import('../../course/labs.js');
  const { requireEngine } = await import('../../stack/engine.js');
  const { projectContainers } = await import('../../stack/project.js');
  const { execInContainer } = await import('../../stack/exec.js');
  const lab = findLab(day);
  const { docker } = await requireEngine();
  const states = await projectContainers(docker, `de-lab-${lab.id}`);
  const target = states.find((state) => state.service === service && state.state === 'running');
  if (!target) {
    const running = states.filter((s) => s.state === 'running').map((s) => s.service);
    throw new DeLabError(
      tr({
        en: `No running ${service} service in ${lab.id}.`,
        ko: `${lab.id}에 실행 중인 ${service} 서비스가 없습니다.`,
      }),
      {
        hint:
          running.length > 0
            ? tr({ en: `Running services: ${running.join(', ')}.`, ko: `실행 중인 서비스: ${running.join(', ')}.` })
            : tr({
                en: `Start the day with \`de-lab start ${lab.id}\`.`,
                ko: `\`de-lab start ${lab.id}\`로 먼저 시작하세요.`,
              }),
        code: 'E_NO_CONTAINER',
        exitCode: EXIT.usage,
      },
    );
  }
  const interactive = command.length === 0;
  if (interactive && !process.stdin.isTTY) {
    throw new DeLabError(
      tr({ en: 'An interactive shell needs a terminal.', ko: '대화형 셸에는 터미널이 필요합니다.' }),
      { hint: `de-lab shell ${lab.id} ${service} -- <command>`, code: 'E_NO_TTY', exitCode: EXIT.usage },
    );
  }
  const argv = interactive ? ['sh', '-c', 'command -v bash >/dev/null && exec bash || exec sh'] : command;
  return execInContainer({
    docker,
    containerId: target.id,
    command: argv,
    tty: interactive,
    stdin: interactive || options.stdin === true,
  });
}

export function register(program: Command): void {
  program
    .command('shell <day> <service> [command...]')
    .description('Open a shell in a running service, or run one command there (works without a terminal)')
    .option('-i, --stdin', 'pass standard input to the command, e.g. an SQL file')
    .addHelpText(
      'after',
      example([
        'de-lab shell day1 mariadb',
        'de-lab shell day4 kafka -- kafka-topics.sh --bootstrap-server kafka:9092 --list',
        'de-lab shell day1 mariadb -i -- mariadb -ulearner -plearner-pass labdb < query.sql',
      ]),
    )
    .action(action(shell));
}
