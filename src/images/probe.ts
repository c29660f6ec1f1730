import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { rootCertificates } from 'node:tls';
import { planSource, type ClientOutputs } from './registries.js';
import { sourceItem, type Source, type SourceCheck } from './sources.js';

export interface ProbeResult {
  name: string;
  url: string;
  reachable: boolean;
  status?: number;
  error?: string;
}

/**
 * Asks a registry for one URL the build needs (HEAD, then GET when HEAD is refused).
 * The extra CA is trusted here as it will be inside the build.
 */
export function probe(source: { name: string; url: string }, caFile: string, timeoutMs = 10_000): Promise<ProbeResult> {
  const url = new URL(source.url);
  const ca = caFile ? [...rootCertificates, readFileSync(caFile, 'utf8')] : undefined;
  const once = (method: 'HEAD' | 'GET') =>
    new Promise<ProbeResult>((resolve) => {
      const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(
        url,
        { method, timeout: timeoutMs, ...(ca && url.protocol === 'https:' ? { ca } : {}) },
        (response) => {
          response.resume();
          const status = response.statusCode ?? 0;
          resolve({ ...source, reachable: status >= 200 && status < 400, status });
        },
      );
      request.on('timeout', () =>
        request.destroy(Object.assign(new Error(`no answer within ${timeoutMs / 1000} s`), { code: 'ETIMEDOUT' })),
      );
      request.on('error', (error) => resolve({ ...source, reachable: false, error: error.message }));
      request.end();
    });
  return once('HEAD').then((result) => (result.status === 405 || result.status === 403 ? once('GET') : result));
}

/**
 * The preflight of one build: each source resolved through its client (see registries.ts) and
 * probed, or named in words when no client here can say where it is. All at once, so it stays fast.
 */
export async function checkSources(sources: Source[], clients: ClientOutputs, caFile: string): Promise<SourceCheck[]> {
  return Promise.all(
    sources.map(async (source): Promise<SourceCheck> => {
      const base = { name: source.name, registry: source.registry, item: sourceItem(source) };
      const plan = await planSource(source, clients);
      if ('notProbed' in plan) return { ...base, probed: false, notProbed: plan.notProbed };
      const result = await probe({ name: source.name, url: plan.url }, caFile);
      return {
        ...base,
        url: plan.url,
        from: plan.from,
        probed: true,
        reachable: result.reachable,
        ...(result.status !== undefined ? { status: result.status } : {}),
        ...(result.error !== undefined ? { error: result.error } : {}),
      };
    }),
  );
}
