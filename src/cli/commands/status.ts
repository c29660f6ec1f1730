import { Option, type Command } from 'commander';
import { numberBetween } from '../parse.js';
import { tr } from '../../i18n/lang.js';
import type { ServiceStatus } from '../../stack/status.js';
import { style, table } from '../../ui/style.js';
import { action, type Context } from '../context.js';
import { example } from '../help.js';

function duration(seconds?: number): string {
  if (seconds === undefined) return '-';
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}m`;
  return `${Math.round(seconds / 3600)}h`;
}

export function statusHeaders(): string[] {
  return [
    tr({ en: 'DAY', ko: '실습일' }),
    tr({ en: 'SERVICE', ko: '서비스' }),
    tr({ en: 'STATE', ko: '상태' }),
    tr({ en: 'HEALTH', ko: '헬스' }),
    tr({ en: 'PORTS', ko: '포트' }),
    'CPU',
    tr({ en: 'MEMORY', ko: '메모리' }),
    tr({ en: 'UPTIME', ko: '가동 시간' }),
  ];
}

export function renderStatus(rows: ServiceStatus[]): string {
  if (rows.length === 0)
    return tr({
      en: 'No de-lab stack exists. Start one with `de-lab start day1`.',
      ko: 'de-lab 스택이 없습니다. `de-lab start day1`로 시작하세요.',
    });
  const paint = (row: ServiceStatus) =>
    row.health === 'unhealthy' || row.state === 'exited' ? style.fail : row.state === 'running' ? style.ok : style.warn;
  return table([
    statusHeaders().map(style.bold),
    ...rows.map((row) => [
      row.day,
      row.service,
      paint(row)(row.state),
      row.health ?? '-',
      row.ports.join(' ') || '-',
      row.cpuPercent === undefined ? '-' : `${row.cpuPercent}%`,
      row.memoryBytes === undefined ? '-' : `${Math.round(row.memoryBytes / 1048576)} MiB`,
      duration(row.uptimeSeconds),
    ]),
  ]);
}

async function status(
  ctx: Context,
  day: string | undefined,
  options: { watch?: boolean; interval?: number },
): Promise<number> {
  const { requireEngine } = await import('../../stack/engine.js');
  const { dayStatus } = await import('../../stack/status.js');
  const { docker } = await requireEngine();
  let projects: string[] | undefined;
  if (day) {
    const { findLab } = await import('../../course/labs.js');
    projects = [`de-lab-${findLab(day).id}`];
  }
  if (!options.watch) {
    const rows = await dayStatus(docker, projects);
    ctx.emit({ services: rows }, (d) => renderStatus(d.services));
    return 0;
  }
  const every = (options.interval ?? 2) * 1000;
  let stopped = false;
  // process.on, not once: execa's signal-exit re-raises SIGINT when it sees no other listener.
  const onSignal = () => (stopped = true);
  process.on('SIGINT', onSignal);
  while (!stopped) {
    const rows = await dayStatus(docker, projects);
    if (ctx.json) ctx.out(JSON.stringify({ at: new Date().toISOString(), services: rows }));
    else
      ctx.out(
        `${process.stdout.isTTY ? '\u001b[2J\u001b[H' : ''}${style.dim(new Date().toLocaleTimeString())}\n${renderStatus(rows)}`,
      );
    await new Promise((resolve) => setTimeout(resolve, every));
  }
  process.removeListener('SIGINT', onSignal);
  return 0;
}

export function register(program: Command): void {
  program
    .command('status [day]')
    .description('Show each service: state, health, host ports, CPU, memory and uptime')
    .option('-w, --watch', 'refresh until Ctrl-C (with --json: one JSON object per line)')
    .addOption(
      new Option('--interval <seconds>', 'refresh interval for --watch, 1 to 3600')
        .default(2)
        .argParser(numberBetween(1, 3600, 2)),
    )
    .addHelpText('after', example(['de-lab status', 'de-lab status day4 --watch', 'de-lab status --json']))
    .action(action(status));
}
