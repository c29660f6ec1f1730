import type { Command } from 'commander';
import { EXIT } from '../../core/errors.js';
import { tr } from '../../i18n/lang.js';
import { marks, style } from '../../ui/style.js';
import { confirmOrRefuse } from '../confirm.js';
import { action, type Context } from '../context.js';
import { example } from '../help.js';

async function gc(ctx: Context, options: { dryRun?: boolean; yes?: boolean }): Promise<number> {
  const { requireEngine } = await import('../../stack/engine.js');
  const { listLabs } = await import('../../course/labs.js');
  const { planGc, applyGc } = await import('../../stack/gc.js');
  const { docker } = await requireEngine();
  const plan = await planGc(
    docker,
    listLabs().map((lab) => `de-lab-${lab.id}`),
  );
  const total =
    plan.containers.length + plan.networks.length + plan.volumes.length + plan.images.length + (plan.buildCache ?? 0);
  const describe = () =>
    [
      ...plan.containers.map((c) => `  container ${c.name}${c.project ? ` (${c.project})` : ''}`),
      ...plan.networks.map((n) => `  network   ${n.name}`),
      ...plan.volumes.map((v) => `  volume    ${v.name}`),
      ...plan.images.map(
        (i) =>
          `  image     ${i.tag} ${style.dim(tr({ en: '(built by a check; the next check rebuilds it)', ko: '(검사가 만든 이미지. 다음 검사가 다시 빌드)' }))}`,
      ),
      ...(plan.buildCache
        ? [
            `  cache     ${tr({ en: `${plan.buildCache} chain(s) of layers that checks' builds reuse`, ko: `검사 빌드가 재사용하는 레이어 묶음 ${plan.buildCache}개` })} ${style.dim(tr({ en: '(the next check builds slower once)', ko: '(다음 검사 빌드가 한 번 느려짐)' }))}`,
          ]
        : []),
    ].join('\n');
  if (total === 0) {
    ctx.emit({ removed: plan, dryRun: options.dryRun === true }, () =>
      tr({
        en: 'Nothing to clean: every de-lab resource belongs to a day.',
        ko: '정리할 것이 없습니다. 모든 de-lab 리소스가 실습일에 속합니다.',
      }),
    );
    return 0;
  }
  if (options.dryRun) {
    ctx.emit(
      { wouldRemove: plan, dryRun: true },
      () => `${tr({ en: 'Would remove:', ko: '지울 대상:' })}\n${describe()}`,
    );
    return 0;
  }
  if (!ctx.json)
    ctx.err(`${tr({ en: 'Leftovers that no day owns:', ko: '어느 실습일에도 속하지 않는 리소스:' })}\n${describe()}`);
  const go = await confirmOrRefuse(
    ctx,
    options.yes === true,
    tr({ en: `Remove these ${total} resources?`, ko: `이 리소스 ${total}개를 지울까요?` }),
    true,
  );
  if (!go) return EXIT.failed;
  await applyGc(docker, plan);
  ctx.emit(
    { removed: plan, dryRun: false },
    () =>
      `${style.ok(marks.ok)} ${tr({ en: `Removed ${total} leftover resource(s).`, ko: `남은 리소스 ${total}개를 지웠습니다.` })}`,
  );
  return 0;
}

export function register(program: Command): void {
  program
    .command('gc')
    .description(
      'Remove de-lab containers, networks and volumes that no day owns (grading runs, old tests), and images checks built',
    )
    .option('--dry-run', 'only list what would be removed')
    .option('-y, --yes', 'do not ask')
    .addHelpText('after', example(['de-lab gc --dry-run', 'de-lab gc --yes']))
    .action(action(gc));
}
