import { DeLabError, EXIT } from '../core/errors.js';
import { tr } from '../i18n/lang.js';
import type { Context } from './context.js';

/**
 * Asks a yes/no question on a terminal. --yes answers yes. Without a terminal the answer is
 * `unattended` (true for safe defaults such as building images, false for anything destructive).
 */
export async function confirmOrRefuse(
  ctx: Context,
  yes: boolean,
  question: string,
  unattended: boolean,
): Promise<boolean> {
  if (yes) return true;
  if (!ctx.interactive) return unattended;
  const { confirm } = await import('@inquirer/prompts');
  try {
    return await confirm({ message: question, default: unattended });
  } catch {
    throw new DeLabError(tr({ en: 'Cancelled.', ko: '취소했습니다.' }), {
      code: 'E_CANCELLED',
      exitCode: EXIT.interrupted,
    });
  }
}
