import type { ListrTask } from 'listr2';

/**
 * Runs listr2 tasks with a renderer that fits the output: live rows on a terminal, plain
 * timestamped lines in CI or a pipe, nothing under --json (the command prints the result).
 */
export async function runTasks<C extends object>(
  tasks: ListrTask<C>[],
  options: { json: boolean; concurrent?: boolean | number; exitOnError?: boolean; ctx?: C },
): Promise<C> {
  const { Listr } = await import('listr2');
  const tty = Boolean(process.stdout.isTTY) && process.env.CI !== 'true';
  const list = new Listr<C>(tasks, {
    concurrent: options.concurrent ?? false,
    exitOnError: options.exitOnError ?? true,
    ctx: options.ctx,
    renderer: (options.json ? 'silent' : tty ? 'default' : 'simple') as 'default',
    rendererOptions: { collapseErrors: false, showErrorMessage: true } as never,
    collectErrors: 'minimal',
    // de-lab handles Ctrl-C itself (start removes half-created containers); listr2's handler would exit(127) first.
    registerSignalListeners: false,
  });
  return list.run();
}

export function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}
