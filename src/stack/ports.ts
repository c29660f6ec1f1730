import { createServer } from 'node:net';
import { execa } from 'execa';

/** True when nothing on this machine listens on the TCP port (checked on all interfaces). */
export function isPortFree(port: number, host = '0.0.0.0'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Best effort: which process listens on the port (ss, then lsof). Undefined when neither tells. */
export async function portHolder(port: number): Promise<string | undefined> {
  try {
    const { stdout } = await execa('ss', ['-Hltnp', `sport = :${port}`], { timeout: 3000, reject: false });
    const match = /users:\(\("([^"]+)",pid=(\d+)/.exec(stdout);
    if (match) return `${match[1]} (pid ${match[2]})`;
  } catch {
    // ss is Linux-only
  }
  try {
    const { stdout } = await execa('lsof', ['-nP', `-iTCP:${port}`, '-sTCP:LISTEN', '-Fpc'], {
      timeout: 3000,
      reject: false,
    });
    const pid = /^p(\d+)/m.exec(stdout)?.[1];
    const command = /^c(.+)$/m.exec(stdout)?.[1];
    if (pid) return `${command ?? 'process'} (pid ${pid})`;
  } catch {
    // lsof may be missing
  }
  return undefined;
}
