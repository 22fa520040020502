/**
 * Runs one command on a pooled connection for the configuration tools: environment passed
 * as quoted exports, output streamed, timeout and cancellation that kill the whole remote
 * process group (POSIX: the shell reports its group id first on stderr).
 */
import { StringDecoder } from 'node:string_decoder';
import type { ClientChannel } from 'ssh2';
import { RelaisError } from '../../base/errors';
import type { Conn } from './pool';

export interface ExecOptions {
  env?: Record<string, string>;
  stdin?: string;
  signal?: AbortSignal;
  onStdout(chunk: string): void;
  onStderr(chunk: string): void;
  timeoutMs?: number;
  /** 'posix' (default): the command runs in its own process group, killed as a whole on abort. */
  remoteOs?: 'posix' | 'windows';
}

export interface ExecResult {
  exitCode: number | null;
  signal?: string;
  /** Set when the run was stopped by `signal` ('aborted') or by `timeoutMs` ('timeout'). */
  stopped?: 'aborted' | 'timeout';
}

const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// eslint-disable-next-line no-control-regex
const PGID_RE = /^\x1eRELAIS_PGID=(\d+)\x1e\n/;

/** The command line sent to sshd. Throws on an invalid environment variable name. */
export function remoteCommand(command: string, env: Record<string, string>, posix: boolean): string {
  for (const k of Object.keys(env)) if (!ENV_NAME.test(k)) throw RelaisError.of('SSH_BAD_ENV', { name: k.slice(0, 40) });
  // POSIX: the login shell started by sshd leads its own session and process group; it
  // reports its PID (= the group id) first on stderr so the whole group can be killed.
  return posix
    ? `printf '\\036RELAIS_PGID=%s\\036\\n' "$$" >&2; ${Object.entries(env)
        .map(([k, v]) => `export ${k}=${shq(v)}; `)
        .join('')}${command}`
    : command;
}

/** Runs `command` on `conn` (the caller holds the connection open meanwhile). */
export async function execOn(conn: Conn, command: string, opts: ExecOptions): Promise<ExecResult> {
  const posix = (opts.remoteOs ?? 'posix') === 'posix';
  const env = opts.env ?? {};
  const full = remoteCommand(command, env, posix);
  let exitCode: number | null = null;
  let exitSignal: string | undefined;
  const stream = await new Promise<ClientChannel>((resolve, reject) =>
    conn.rc.client.exec(full, posix ? {} : { env }, (err, ch) => {
      if (err) return reject(err);
      // Listened to at once: a short command's exit status can arrive in the same packet batch
      // as the channel's confirmation, before an `await` resumes, and an event has no buffer.
      ch.on('exit', (code: number | null, sig?: string) => {
        exitCode = typeof code === 'number' ? code : null;
        if (sig) exitSignal = sig;
      });
      resolve(ch);
    }),
  );
  return new Promise<ExecResult>((resolve) => {
    const out = new StringDecoder('utf8');
    const errDec = new StringDecoder('utf8');
    let pgid: number | null = null;
    let errHead = posix ? '' : null;
    let stopped: ExecResult['stopped'];
    let timer: NodeJS.Timeout | null = null;
    stream.on('data', (b: Buffer) => opts.onStdout(out.write(b)));
    stream.stderr.on('data', (b: Buffer) => {
      const text = errDec.write(b);
      if (errHead === null) return void (text && opts.onStderr(text));
      errHead += text;
      const m = PGID_RE.exec(errHead);
      if (m) {
        pgid = Number(m[1]);
        const rest = errHead.slice(m[0].length);
        errHead = null;
        if (stopped) killGroup();
        if (rest) opts.onStderr(rest);
      } else if (errHead.length > 64 || (errHead.length > 0 && !'\x1eRELAIS_PGID='.startsWith(errHead.slice(0, 13)))) {
        const rest = errHead;
        errHead = null;
        opts.onStderr(rest);
      }
    });
    let groupKilled = false;
    const killGroup = () => {
      if (groupKilled || !pgid) return;
      groupKilled = true;
      conn.rc.client.exec(`kill -TERM -- -${pgid} 2>/dev/null; sleep 0.3; kill -KILL -- -${pgid} 2>/dev/null; true`, (err, ch) => {
        if (err) return stream.close();
        ch.resume();
        ch.stderr.resume();
        ch.once('close', () => stream.close());
      });
    };
    const stop = (why: 'aborted' | 'timeout') => {
      if (stopped) return;
      stopped = why;
      try {
        stream.signal('KILL');
      } catch {}
      if (!posix) return void stream.close();
      // The group id may not have arrived yet: kill as soon as it does, close regardless.
      if (pgid) killGroup();
      setTimeout(() => stream.close(), 3000).unref();
    };
    const onAbort = () => stop('aborted');
    if (opts.signal?.aborted) onAbort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    if (opts.timeoutMs) timer = setTimeout(() => stop('timeout'), opts.timeoutMs);
    stream.once('close', () => {
      if (timer) clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      const tailOut = out.end();
      if (tailOut) opts.onStdout(tailOut);
      const tailErr = (errHead ?? '') + errDec.end();
      if (tailErr) opts.onStderr(tailErr);
      resolve({ exitCode: stopped ? null : exitCode, ...(exitSignal ? { signal: exitSignal } : stopped ? { signal: 'KILL' } : {}), ...(stopped ? { stopped } : {}) });
    });
    if (opts.stdin !== undefined) stream.end(opts.stdin);
    else stream.end();
  });
}
