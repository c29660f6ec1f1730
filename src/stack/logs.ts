import type Dockerode from 'dockerode';
import { PassThrough } from 'node:stream';
import { projectContainers } from './project.js';

/** Streams the logs of a project's services (or one service), each line prefixed with its service. */
export async function streamLogs(input: {
  docker: Dockerode;
  project: string;
  service?: string;
  follow: boolean;
  since?: string;
  tail?: number;
  write: (line: string) => void;
  signal?: AbortSignal;
}): Promise<number> {
  const states = (await projectContainers(input.docker, input.project)).filter(
    (s) => !input.service || s.service === input.service,
  );
  const width = Math.max(...states.map((s) => s.service.length), 1);
  const since = input.since ? parseSince(input.since) : undefined;
  await Promise.all(
    states.map(async (state) => {
      const container = input.docker.getContainer(state.id);
      const info = await container.inspect();
      const prefix = `${state.service.padEnd(width)} | `;
      const options = {
        stdout: true,
        stderr: true,
        timestamps: false,
        tail: input.tail ?? (input.follow ? 50 : 'all'),
        since,
      } as const;
      const emitText = (text: string, carry: { rest: string }) => {
        const lines = (carry.rest + text).split('\n');
        carry.rest = lines.pop() ?? '';
        for (const line of lines) input.write(prefix + line);
      };
      if (!input.follow) {
        const raw = (await container.logs({ ...options, follow: false } as never)) as unknown as Buffer;
        const { demuxToText } = await import('./project.js');
        const carry = { rest: '' };
        emitText(demuxToText(raw, info.Config.Tty), carry);
        if (carry.rest) input.write(prefix + carry.rest);
        return;
      }
      const stream = (await container.logs({
        ...options,
        follow: true,
      } as never)) as unknown as NodeJS.ReadableStream & { destroy(): void };
      const out = new PassThrough();
      const carry = { rest: '' };
      out.on('data', (chunk: Buffer) => emitText(chunk.toString('utf8'), carry));
      if (info.Config.Tty) stream.pipe(out);
      else input.docker.modem.demuxStream(stream, out, out);
      await new Promise<void>((resolve) => {
        stream.on('end', resolve);
        stream.on('close', resolve);
        input.signal?.addEventListener(
          'abort',
          () => {
            stream.destroy();
            resolve();
          },
          { once: true },
        );
      });
    }),
  );
  return states.length;
}

/** "10m", "2h", "30s" → a UNIX timestamp; an ISO date or a timestamp passes through. */
export function parseSince(value: string, now = Date.now()): number {
  const relative = /^(\d+)(s|m|h|d)$/.exec(value);
  if (relative) {
    const unit = { s: 1, m: 60, h: 3600, d: 86400 }[relative[2] as 's' | 'm' | 'h' | 'd'];
    return Math.floor(now / 1000) - Number(relative[1]) * unit;
  }
  if (/^\d+$/.test(value)) return Number(value);
  const parsed = Date.parse(value);
  if (Number.isNaN(parsed)) throw new Error(`"${value}" is not a time: use 10m, 2h, 30s or an ISO date`);
  return Math.floor(parsed / 1000);
}
