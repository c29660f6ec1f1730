import type { Check } from '../schema.js';
import type { CheckKind } from './types.js';

type PublishedPortCheck = Extract<Check, { kind: 'published-port' }>;

interface Observed {
  requests: Array<{ service: string; target: number; hostIp: string; published: number }>;
}

const where = (r: { hostIp: string; published: number }) =>
  `${r.hostIp === '' || r.hostIp === '0.0.0.0' ? 'all interfaces (0.0.0.0)' : r.hostIp}:${r.published}`;

/**
 * How the learner's compose file publishes a container port: the binding address and the host
 * port it asked for, as the grader read them from the rendered file (the run itself used a free
 * port on 127.0.0.1, so nothing else listening on the machine can make this pass or fail).
 */
export const publishedPortKind: CheckKind<PublishedPortCheck> = {
  needsReference: () => false,
  async observe(ctx, check) {
    return {
      requests: ctx.portRequests
        .filter((r) => r.service === check.service && r.target === check.target)
        .map(({ service, target, hostIp, published }) => ({ service, target, hostIp, published })),
    } satisfies Observed;
  },
  judge(check, observed: Observed) {
    const expected = `${check.service}:${check.target} published at ${check.expect.hostIp}:${check.expect.port} only`;
    if (observed.requests.length === 0)
      return { ok: false, expected, found: `${check.service}:${check.target} is not published` };
    const wrong = observed.requests.find((r) => r.published !== check.expect.port || r.hostIp !== check.expect.hostIp);
    const found = observed.requests.map(where).join(', ');
    return { ok: !wrong, expected, found: wrong ? `published at ${found}` : found };
  },
};
