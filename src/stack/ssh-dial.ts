import { spawn, type ChildProcess } from 'node:child_process';
import { Agent } from 'node:http';
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { lastLine as lastLineOf } from '../core/text.js';

/**
 * The command line the docker CLI's ssh connection helper runs for
 * `ssh://[user@]host[:port][/socket]`: `ssh` with its flags, then `docker system dial-stdio` on
 * the far side, which joins stdin and stdout to that engine's socket. Running the same `ssh`
 * means the Engine API calls take the same way as `docker` and `docker compose` do: the user's
 * ssh config, keys, agent and known hosts.
 */
export function sshDialArgs(address: string): string[] {
  const url = new URL(address);
  if (url.protocol !== 'ssh:' || url.hostname === '') throw new Error(`unsupported engine address ${address}`);
  const args = ['-o', 'ConnectTimeout=30', '-T'];
  if (url.username) args.push('-l', decodeURIComponent(url.username));
  if (url.port) args.push('-p', url.port);
  args.push('--', url.hostname.replace(/^\[(.*)\]$/, '$1'), 'docker');
  if (url.pathname && url.pathname !== '/') args.push('--host', `unix://${decodeURIComponent(url.pathname)}`);
  args.push('system', 'dial-stdio');
  return args;
}

/** The last line ssh wrote to stderr: why it failed (`Permission denied (publickey).`, …). */
const lastLine = (text: string): string => lastLineOf(text) ?? '';

/**
 * A child process's stdin and stdout as one connection, with what an HTTP agent asks of a socket
 * (idle timeout, ref/unref). It ends when the process exits; a failed exit is an error that
 * carries the process's last stderr line.
 */
export class CommandConnection extends Duplex {
  private stderr = '';
  private idleMs = 0;
  private idle?: NodeJS.Timeout;
  timeout = 0;

  constructor(
    private readonly child: ChildProcess,
    private readonly what: string,
  ) {
    // Ends when the process's output ends, as a TCP socket does: the agent then drops it.
    super({ allowHalfOpen: false });
    child.stdout!.on('data', (chunk: Buffer) => {
      this.arm();
      if (!this.push(chunk)) child.stdout!.pause();
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-4000);
    });
    child.stdin!.on('error', () => undefined); // The exit below says why the other end went away.
    child.on('error', (error: NodeJS.ErrnoException) =>
      this.destroy(error.code === 'ENOENT' ? new Error(`${what}: the command is not installed`) : error),
    );
    child.on('close', (code, signal) => {
      clearTimeout(this.idle);
      if (this.destroyed) return;
      if (code === 0) {
        this.push(null);
        return;
      }
      // ESSH and the reason let a caller say what ssh said, in a sentence of its own.
      const reason = lastLine(this.stderr) || 'no message';
      const error = new Error(`${what} exited with ${code ?? signal}: ${reason}`);
      this.destroy(Object.assign(error, { code: 'ESSH', reason }));
    });
  }

  override _read(): void {
    this.child.stdout!.resume();
  }

  override _write(chunk: Buffer, encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.arm();
    // A write that fails because the process is gone is not the error: its exit (below) says why.
    this.child.stdin!.write(chunk, encoding, () => done());
  }

  override _final(done: (error?: Error | null) => void): void {
    this.child.stdin!.end(() => done());
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    clearTimeout(this.idle);
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill();
    done(error);
  }

  private arm(): void {
    clearTimeout(this.idle);
    if (this.idleMs > 0) this.idle = setTimeout(() => this.emit('timeout'), this.idleMs).unref();
  }

  /** As net.Socket's: 0 turns the idle timer off and removes `callback` (the HTTP client relies on that). */
  setTimeout(ms: number, callback?: () => void): this {
    this.idleMs = this.timeout = ms;
    if (callback && ms === 0) this.removeListener('timeout', callback);
    else if (callback) this.once('timeout', callback);
    this.arm();
    return this;
  }

  setNoDelay(): this {
    return this;
  }

  setKeepAlive(): this {
    return this;
  }

  ref(): this {
    this.child.ref();
    for (const pipe of [this.child.stdin, this.child.stdout, this.child.stderr]) (pipe as Socket | null)?.ref?.();
    return this;
  }

  /** An idle kept-alive connection must not keep de-lab running. */
  unref(): this {
    this.child.unref();
    for (const pipe of [this.child.stdin, this.child.stdout, this.child.stderr]) (pipe as Socket | null)?.unref?.();
    return this;
  }
}

/**
 * An HTTP agent whose connections are `ssh … docker system dial-stdio` processes, kept alive
 * between requests, so that dockerode reaches an ssh:// engine the way the docker CLI does.
 */
export function sshAgent(address: string, env: NodeJS.ProcessEnv = process.env): Agent {
  const args = sshDialArgs(address);
  const agent = new Agent({ keepAlive: true, maxFreeSockets: 4, timeout: 30_000 });
  agent.createConnection = () =>
    new CommandConnection(
      spawn('ssh', args, { env, stdio: ['pipe', 'pipe', 'pipe'] }),
      `ssh to ${address}`,
    ) as unknown as Socket;
  return agent;
}
