import type { Command } from 'commander';
import { tr } from '../../i18n/lang.js';
import { marks, style, table } from '../../ui/style.js';
import type { DoctorReport } from '../../doctor/types.js';
import { action } from '../context.js';
import { example } from '../help.js';

export function renderDoctor(report: DoctorReport): string {
  const paint = { ok: style.ok, warn: style.warn, fail: style.fail, info: style.dim } as const;
  const rows: string[][] = [];
  for (const check of report.checks) {
    rows.push([paint[check.verdict](marks[check.verdict]), check.title, check.summary]);
    if (check.hint && check.verdict !== 'ok') rows.push(['', '', `${style.dim('→')} ${check.hint}`]);
  }
  const running = report.runningDays ?? [];
  const first = report.firstDay ?? 'day1';
  const verdict = report.ok
    ? running.length > 0
      ? style.ok(
          tr({
            en: `Ready. ${running.join(', ')} is running. Next: de-lab exercise ${running[0]}`,
            ko: `준비 완료. ${running.join(', ')} 실행 중. 다음: de-lab exercise ${running[0]}`,
          }),
        )
      : style.ok(
          tr({
            en: `Ready for ${first}. Next: de-lab start ${first}`,
            ko: `${first} 준비 완료. 다음: de-lab start ${first}`,
          }),
        )
    : style.fail(
        tr({
          en: 'Not ready: fix the lines marked ✖ above, then run `de-lab doctor` again.',
          ko: '준비 안 됨: 위의 ✖ 항목을 고친 뒤 `de-lab doctor`를 다시 실행하세요.',
        }),
      );
  return `${table(rows)}\n\n${verdict}`;
}

export function register(program: Command): void {
  program
    .command('doctor')
    .description('Check that this machine can run the course: Docker engine, Compose v2, memory, disk, ports')
    .option(
      '--engine <name>',
      'check this Docker engine instead of the current one: a context name or an address (ssh://user@host, tcp://host:2376)',
    )
    .addHelpText(
      'after',
      example([
        'de-lab doctor',
        'de-lab doctor --json',
        'de-lab doctor --engine ssh://ta@lab-vm',
        'DOCKER_HOST=tcp://10.0.0.5:2376 de-lab doctor',
      ]),
    )
    .action(
      action(async (ctx, options: { engine?: string }) => {
        const { runDoctor } = await import('../../doctor/doctor.js');
        const { engineTarget } = await import('../../doctor/engine-target.js');
        const target = options.engine === undefined ? undefined : await engineTarget(options.engine);
        const report = await runDoctor(ctx.config, process.env, '/', target);
        ctx.emit(report, renderDoctor);
        return report.ok ? 0 : 1;
      }),
    );
}
