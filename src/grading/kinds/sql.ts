import { nonEmptyReference } from '../verdict.js';
import { compareRows, short } from '../compare.js';
import { execService, serviceContainerId } from '../../stack/sandbox/containers.js';
import type { Check } from '../schema.js';
import type { CheckKind } from './types.js';

type SqlCheck = Extract<Check, { kind: 'sql' }>;

/** Runs SQL with the engine's own client inside its container: mariadb -B, or Druid's SQL API via curl. */
export const sqlKind: CheckKind<SqlCheck> = {
  needsReference: (check) => check.expect.rows === 'reference',
  async observe(ctx, check) {
    const service = check.service ?? check.engine;
    const containerId = await serviceContainerId(ctx.docker, check.project ?? ctx.dayProject, service);
    if (check.engine === 'mariadb') {
      const args = ['mariadb', '--batch', '--skip-column-names', `--user=${check.user ?? 'root'}`];
      if (check.password !== undefined) args.push(`--password=${check.password}`);
      if (check.database) args.push(`--database=${check.database}`);
      args.push('--execute', check.query);
      const result = await execService({
        docker: ctx.docker,
        containerId,
        command: args,
        timeoutMs: check.timeoutSec * 1000,
      });
      if (result.exitCode !== 0) return { error: result.stderr.trim() || `exit ${result.exitCode}` };
      const rows = result.stdout
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => line.split('\t').map((cell) => (cell === 'NULL' ? null : cell)));
      return { rows };
    }
    const body = JSON.stringify({ query: check.query, resultFormat: 'array' });
    const result = await execService({
      docker: ctx.docker,
      containerId,
      command: [
        'curl',
        '-sS',
        '-X',
        'POST',
        '-H',
        'Content-Type: application/json',
        '--data',
        body,
        'http://localhost:8888/druid/v2/sql',
      ],
      timeoutMs: check.timeoutSec * 1000,
    });
    try {
      const data = JSON.parse(result.stdout);
      return Array.isArray(data)
        ? { rows: data }
        : { error: short(data.errorMessage ?? data.error ?? result.stdout, 200) };
    } catch {
      return { error: short(result.stdout || result.stderr, 200) };
    }
  },
  judge(check, observed: { rows?: unknown[][]; error?: string }, reference) {
    if (observed.error) return { ok: false, expected: 'the query to run', found: observed.error };
    const expected = check.expect.rows === 'reference' ? reference?.rows : check.expect.rows;
    if (!expected)
      return { ok: false, expected: "the reference solution's rows", found: reference?.error ?? 'no reference rows' };
    if (check.expect.rows === 'reference') nonEmptyReference(expected, 'rows');
    return compareRows(observed.rows ?? [], expected, {
      tolerance: check.expect.tolerance,
      orderMatters: check.expect.orderMatters,
    });
  },
};
