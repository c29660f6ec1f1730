import { josa } from '../i18n/josa.js';
import { tr } from '../i18n/lang.js';

/**
 * How loadState reports a recovered progress file without printing anything itself: the CLI
 * registers a listener (this module has no dependencies, so registering costs nothing at start-up).
 */
export interface StateRecovery {
  file: string;
  /** Why state.json could not be used. */
  problem: string;
  /** Restored from the last good copy, or started empty (no usable copy). */
  from: 'last-good' | 'empty';
  /** Where the unusable file was kept (never deleted), when there was one. */
  keptAs?: string;
}

let listener: ((recovery: StateRecovery) => void) | undefined;

export function onStateRecovery(next: ((recovery: StateRecovery) => void) | undefined): void {
  listener = next;
}

export function notifyRecovery(recovery: StateRecovery): void {
  listener?.(recovery);
}

/** The sentence the CLI prints after a recovery. */
export function recoveryMessage(recovery: StateRecovery): string {
  const kept = recovery.keptAs
    ? tr({
        en: ` The unusable file is kept as ${recovery.keptAs}.`,
        ko: ` 쓸 수 없는 파일은 ${recovery.keptAs}로 남겨 두었습니다.`,
      })
    : '';
  return recovery.from === 'last-good'
    ? tr({
        en: `Your progress file ${recovery.file} was unusable (${recovery.problem}); it was restored from the last good copy.${kept} Your exercise files are untouched.`,
        ko: `진행 기록 파일 ${josa(recovery.file, '을/를')} 쓸 수 없어(${recovery.problem}) 마지막 정상 사본으로 되살렸습니다.${kept} 실습 파일은 그대로입니다.`,
      })
    : tr({
        en: `Your progress file ${recovery.file} was unusable (${recovery.problem}) and there was no good copy, so progress starts empty.${kept} Your exercise files are untouched; \`de-lab check\` records them again.`,
        ko: `진행 기록 파일 ${josa(recovery.file, '을/를')} 쓸 수 없고(${recovery.problem}) 정상 사본도 없어 진행 기록을 새로 시작합니다.${kept} 실습 파일은 그대로이며 \`de-lab check\`로 다시 기록됩니다.`,
      });
}
