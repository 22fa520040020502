/**
 * The SSH client service: a pool of authenticated connections (one per route), terminal
 * channels with flow control, command execution for the configuration tools, SFTP
 * transfers, host-key prompts and reconnection after a drop.
 */
import { StringDecoder } from 'node:string_decoder';
import crypto from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type { ClientChannel, SFTPWrapper } from 'ssh2';
import { RelaisError, type LocalizedText } from '../../base/errors';
import type { SshEvents } from '../../domain/ssh';
import type { SshProfile, SshSession } from '../../domain/ssh';
import type { AuditLog } from '../security/audit';
import { getSecretFor, loginSecretKinds, type Vault } from '../security/vault';
import { connectRoute, endpointLabel, onceKey, routeKey, UnknownHostKey, type Endpoint, type Route, type RouteConnection } from './connection';
import type { TrustStore } from './hostkeys';
import { sshErrors } from './errors';
import { sftpDownload, sftpUpload, TransferCancelled } from './transfer';
import type { ProfileRepo } from './profiles';

/** Above this many bytes sent to the UI and not yet acknowledged, the channel is paused. */
export const HIGH_WATER = 256 * 1024;
export const LOW_WATER = 64 * 1024;
const TRANSCRIPT_MAX = 2 * 1024 * 1024;
const PROMPT_TTL_MS = 5 * 60_000;
const IDLE_CLOSE_MS = 60_000;

export interface SshServiceDeps {
  trust: TrustStore;
  vault: Vault;
  audit: AuditLog;
  profiles: ProfileRepo;
  emit<E extends keyof SshEvents>(name: E, payload: SshEvents[E]): void;
  now(): Date;
  timeline(ticketId: string, entry: { kind: string; body: string; data?: unknown }): { id: string } | null;
}

/** A connection given inline (tools run against an asset without a saved profile). */
export interface ConnectionProfileInput {
  host: string;
  port?: number;
  username: string;
  auth: Endpoint['auth'];
  keyFile?: string | null;
  credentialId?: string | null;
  password?: string;
  jump?: string[];
}

export type ExecTarget = { profileId: string } | ConnectionProfileInput;

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

interface Conn {
  id: string;
  key: string;
  route: Route;
  rc: RouteConnection;
  channels: number;
  closedByUs: boolean;
  dead: boolean;
  idleTimer: NodeJS.Timeout | null;
  sftp: Promise<SFTPWrapper> | null;
}

interface Session {
  info: SshSession;
  route: Route;
  conn: Conn | null;
  stream: ClientChannel | null;
  unacked: number;
  paused: boolean;
  decoder: StringDecoder;
  transcript: string[];
  transcriptBytes: number;
  cols: number;
  rows: number;
  recorded: boolean;
  /** Releases the current channel's hold on its connection (once). */
  releaseStream: (() => void) | null;
}

type OpenResult = { status: 'open'; session: SshSession } | { status: 'hostKey'; prompt: { promptId: string; host: string; port: number; keyType: string; fingerprint: string; hop: number } } | { status: 'cancelled' };

interface PendingPrompt {
  expires: number;
  host: string;
  port: number;
  info: UnknownHostKey['info'];
  retry(allowOnce: Set<string>): Promise<OpenResult>;
}

const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// eslint-disable-next-line no-control-regex
const PGID_RE = /^\x1eRELAIS_PGID=(\d+)\x1e\n/;

export class SshService {
  private readonly pool = new Map<string, Conn>();
  private readonly connecting = new Map<string, Promise<Conn>>();
  private readonly sessions = new Map<string, Session>();
  private readonly prompts = new Map<string, PendingPrompt>();
  private readonly transfers = new Map<string, AbortController>();

  constructor(private readonly deps: SshServiceDeps) {}

  // ---- routes and connections ----------------------------------------------------------

  routeForProfile(profile: SshProfile, password?: string): Route {
    const target: Endpoint = { host: profile.host, port: profile.port, username: profile.username, auth: profile.auth, keyFile: profile.keyFile, credentialId: profile.credentialId, password };
    return { hops: this.resolveHops(profile.jump, target), target };
  }

  routeForInput(input: ConnectionProfileInput): Route {
    const target: Endpoint = {
      host: input.host,
      port: input.port ?? 22,
      username: input.username,
      auth: input.auth,
      keyFile: input.keyFile ?? null,
      credentialId: input.credentialId ?? null,
      password: input.password,
    };
    return { hops: this.resolveHops(input.jump ?? [], target), target };
  }

  /** A hop is a saved profile (by id or name) or `user@host:port`, authenticating like the target. */
  private resolveHops(specs: string[], target: Endpoint): Endpoint[] {
    const hops: Endpoint[] = [];
    for (const spec of specs) {
      const prof = this.deps.profiles.get(spec) ?? this.deps.profiles.byName(spec);
      if (prof) {
        hops.push(...this.resolveHops(prof.jump, target), { host: prof.host, port: prof.port, username: prof.username, auth: prof.auth, keyFile: prof.keyFile, credentialId: prof.credentialId });
        continue;
      }
      const m = /^(?:([^@\s]+)@)?(\[[^\]]+\]|[^:\s]+)(?::(\d+))?$/.exec(spec.trim());
      if (!m) throw sshErrors.connectFailed(spec, 'invalid jump host');
      hops.push({ ...target, password: target.password, host: m[2]!.replace(/^\[|\]$/g, ''), port: m[3] ? Number(m[3]) : 22, username: m[1] ?? target.username });
    }
    return hops;
  }

  private async secret(credentialId: string, usedFor: string): Promise<string> {
    const value = await getSecretFor(this.deps.vault, credentialId, loginSecretKinds, { fr: 'une connexion SSH', en: 'an SSH connection' });
    this.deps.audit.append({ action: 'credential.used', target: credentialId, details: { for: usedFor } });
    return value;
  }

  private async connection(route: Route, allowOnce: Set<string> = new Set()): Promise<{ conn: Conn; reused: boolean }> {
    const key = routeKey(route);
    const existing = this.pool.get(key);
    if (existing && !existing.dead) return { conn: existing, reused: true };
    const pending = this.connecting.get(key);
    if (pending) return { conn: await pending, reused: true };
    const p = (async () => {
      let rc: RouteConnection;
      try {
        rc = await connectRoute(route, { trust: this.deps.trust, allowOnce, secret: (id, usedFor) => this.secret(id, usedFor) });
      } catch (err) {
        // A refused changed key may be an interception attempt: keep a trace of it.
        if (err instanceof RelaisError && err.code === 'SSH_HOSTKEY_CHANGED') {
          const d = err.details as { host: string; port: number; oldFingerprints: string[]; newFingerprint: string };
          this.deps.audit.append({ action: 'hostkey.refused', target: `${d.host}:${d.port}`, details: { oldFingerprints: d.oldFingerprints, newFingerprint: d.newFingerprint } });
          this.closeConnectionsTo(d.host, d.port);
        }
        throw err;
      }
      const conn: Conn = { id: uuidv7(), key, route, rc, channels: 0, closedByUs: false, dead: false, idleTimer: null, sftp: null };
      const onGone = () => this.connectionGone(conn);
      rc.client.once('close', onGone);
      rc.client.on('error', () => {});
      for (const c of rc.clients) if (c !== rc.client) c.once('close', onGone);
      this.pool.set(key, conn);
      return conn;
    })();
    this.connecting.set(key, p);
    try {
      return { conn: await p, reused: false };
    } finally {
      this.connecting.delete(key);
    }
  }

  private connectionGone(conn: Conn): void {
    if (conn.dead) return;
    conn.dead = true;
    if (conn.idleTimer) clearTimeout(conn.idleTimer);
    if (this.pool.get(conn.key) === conn) this.pool.delete(conn.key);
    conn.rc.end();
    for (const s of this.sessions.values()) {
      if (s.conn !== conn || s.info.state !== 'open') continue;
      s.conn = null;
      s.stream = null;
      if (conn.closedByUs) continue;
      s.info = { ...s.info, state: 'dropped' };
      this.deps.emit('ssh.status', {
        sessionId: s.info.sessionId,
        state: 'dropped',
        reason: {
          fr: `Connexion perdue avec ${s.info.target}. Le contenu du terminal est conservé : cliquez sur « Se reconnecter ».`,
          en: `Connection to ${s.info.target} lost. The terminal content is kept: click "Reconnect".`,
        },
      });
    }
  }

  private retain(conn: Conn): void {
    conn.channels++;
    if (conn.idleTimer) clearTimeout(conn.idleTimer);
    conn.idleTimer = null;
  }

  private release(conn: Conn): void {
    conn.channels = Math.max(0, conn.channels - 1);
    if (conn.channels === 0 && !conn.dead) {
      if (conn.idleTimer) clearTimeout(conn.idleTimer);
      conn.idleTimer = setTimeout(() => {
        if (conn.channels === 0) {
          conn.closedByUs = true;
          conn.rc.end();
          this.connectionGone(conn);
        }
      }, IDLE_CLOSE_MS);
      conn.idleTimer.unref();
    }
  }

  /** Runs `attempt`, turning an unknown host key into a prompt the UI answers. */
  private async withPrompt(attempt: (allowOnce: Set<string>) => Promise<OpenResult>, allowOnce: Set<string> = new Set()): Promise<OpenResult> {
    try {
      return await attempt(allowOnce);
    } catch (err) {
      if (!(err instanceof UnknownHostKey)) throw err;
      const promptId = crypto.randomUUID();
      this.prompts.set(promptId, {
        expires: Date.now() + PROMPT_TTL_MS,
        host: err.host,
        port: err.port,
        info: err.info,
        retry: (once) => this.withPrompt(attempt, once),
      });
      return { status: 'hostKey', prompt: { promptId, host: err.host, port: err.port, keyType: err.info.keyType, fingerprint: err.info.fingerprint, hop: err.hop } };
    }
  }

  async answerHostKey(promptId: string, decision: 'trust-remember' | 'trust-once' | 'cancel', actor: string): Promise<OpenResult> {
    const prompt = this.prompts.get(promptId);
    this.prompts.delete(promptId);
    if (!prompt || prompt.expires < Date.now()) throw sshErrors.promptExpired();
    if (decision === 'cancel') return { status: 'cancelled' };
    const target = `${prompt.host}:${prompt.port}`;
    if (decision === 'trust-remember') {
      this.deps.trust.remember(prompt.host, prompt.port, prompt.info, actor, this.deps.now().toISOString());
      this.deps.audit.append({ action: 'hostkey.trusted', target, details: { keyType: prompt.info.keyType, fingerprint: prompt.info.fingerprint, remember: true } });
      this.deps.emit('ssh.hostKeysChanged', {});
      return prompt.retry(new Set());
    }
    this.deps.audit.append({ action: 'hostkey.trusted', target, details: { keyType: prompt.info.keyType, fingerprint: prompt.info.fingerprint, remember: false } });
    return prompt.retry(new Set([onceKey(prompt.host, prompt.port, prompt.info.fingerprint)]));
  }

  // ---- terminals -----------------------------------------------------------------------

  open(input: { profileId: string; ticketId: string | null; password?: string; cols: number; rows: number }): Promise<OpenResult> {
    const profile = this.deps.profiles.get(input.profileId);
    if (!profile) throw sshErrors.profileNotFound(input.profileId);
    const route = this.routeForProfile(profile, input.password);
    return this.withPrompt((allowOnce) => this.openShell(route, allowOnce, { profileId: profile.id, ticketId: input.ticketId, cols: input.cols, rows: input.rows }));
  }

  reconnect(sessionId: string, password?: string): Promise<OpenResult> {
    const s = this.mustSession(sessionId);
    if (s.info.state === 'open') return Promise.resolve({ status: 'open', session: s.info });
    const route: Route = password ? { ...s.route, target: { ...s.route.target, password } } : s.route;
    return this.withPrompt((allowOnce) => this.openShell(route, allowOnce, { existing: s, cols: s.cols, rows: s.rows }));
  }

  private async openShell(
    route: Route,
    allowOnce: Set<string>,
    o: { profileId?: string; ticketId?: string | null; existing?: Session; cols: number; rows: number },
  ): Promise<OpenResult> {
    const { conn, reused } = await this.connection(route, allowOnce);
    this.retain(conn);
    let stream: ClientChannel;
    try {
      stream = await new Promise<ClientChannel>((resolve, reject) =>
        conn.rc.client.shell({ term: 'xterm-256color', cols: o.cols, rows: o.rows }, { env: { LANG: 'C.UTF-8', COLORTERM: 'truecolor' } } as never, (err, ch) => (err ? reject(err) : resolve(ch))),
      );
    } catch (err) {
      this.release(conn);
      throw sshErrors.connectFailed(endpointLabel(route.target), String((err as Error).message).slice(0, 120));
    }
    const target = endpointLabel(route.target);
    let s = o.existing;
    if (s) {
      s.conn = conn;
      s.stream = stream;
      s.route = route.target.password ? { ...route, target: { ...route.target, password: undefined } } : route;
      s.unacked = 0;
      s.paused = false;
      s.info = { ...s.info, connectionId: conn.id, state: 'open', reused };
      this.deps.audit.append({ action: 'ssh.session.reconnected', target, ticketId: s.info.ticketId ?? undefined, details: { sessionId: s.info.sessionId } });
    } else {
      s = {
        info: {
          sessionId: uuidv7(),
          connectionId: conn.id,
          profileId: o.profileId ?? null,
          ticketId: o.ticketId ?? null,
          target,
          username: route.target.username,
          startedAt: this.deps.now().toISOString(),
          state: 'open',
          reused,
        },
        // Keep the route for reconnection, without a one-time password.
        route: route.target.password ? { ...route, target: { ...route.target, password: undefined } } : route,
        conn,
        stream,
        unacked: 0,
        paused: false,
        decoder: new StringDecoder('utf8'),
        transcript: [],
        transcriptBytes: 0,
        cols: o.cols,
        rows: o.rows,
        recorded: false,
        releaseStream: null,
      };
      this.sessions.set(s.info.sessionId, s);
      this.deps.audit.append({ action: 'ssh.session.opened', target, ticketId: s.info.ticketId ?? undefined, details: { sessionId: s.info.sessionId, user: route.target.username, via: route.hops.map(endpointLabel) } });
    }
    this.wireStream(s, stream, conn);
    return { status: 'open', session: s.info };
  }

  private wireStream(s: Session, stream: ClientChannel, conn: Conn): void {
    let released = false;
    s.releaseStream = () => {
      if (released) return;
      released = true;
      this.release(conn);
    };
    const releaseThis = s.releaseStream;
    const onData = (buf: Buffer) => {
      if (s.stream !== stream) return;
      const text = s.decoder.write(buf);
      s.unacked += buf.length;
      if (s.transcriptBytes < TRANSCRIPT_MAX) {
        s.transcript.push(text);
        s.transcriptBytes += buf.length;
      }
      this.deps.emit('ssh.data', { sessionId: s.info.sessionId, data: text, bytes: buf.length });
      if (s.unacked > HIGH_WATER && !s.paused) {
        s.paused = true;
        stream.pause();
      }
    };
    stream.on('data', onData);
    stream.stderr.on('data', onData);
    stream.once('close', () => {
      releaseThis();
      if (s.stream !== stream) return;
      s.stream = null;
      // The shell ended (exit) while the connection is alive: the session is over.
      if (!conn.dead) this.finish(s);
    });
  }

  /** Ends a session for good: audit, ticket timeline, status event. */
  private finish(s: Session): void {
    if (s.recorded) return;
    s.recorded = true;
    const end = this.deps.now();
    const durationMs = end.getTime() - new Date(s.info.startedAt).getTime();
    s.info = { ...s.info, state: 'closed' };
    this.deps.audit.append({ action: 'ssh.session.closed', target: s.info.target, ticketId: s.info.ticketId ?? undefined, details: { sessionId: s.info.sessionId, durationMs } });
    if (s.info.ticketId) {
      const mins = Math.floor(durationMs / 60000);
      const secs = Math.round((durationMs % 60000) / 1000);
      try {
        this.deps.timeline(s.info.ticketId, {
          kind: 'ssh_session',
          body: `Session SSH ${s.info.target} — ${s.info.startedAt} → ${end.toISOString()} (${mins} min ${secs} s)`,
          data: { target: s.info.target, user: s.info.username, start: s.info.startedAt, end: end.toISOString(), durationMs, sessionId: s.info.sessionId },
        });
      } catch {
        // A deleted ticket must not keep the session open.
      }
    }
    this.deps.emit('ssh.status', { sessionId: s.info.sessionId, state: 'closed' });
  }

  private mustSession(id: string): Session {
    const s = this.sessions.get(id);
    if (!s) throw sshErrors.sessionNotFound(id);
    return s;
  }

  write(sessionId: string, data: string): boolean {
    const s = this.mustSession(sessionId);
    if (!s.stream) return false;
    return s.stream.write(data) || true;
  }

  resize(sessionId: string, cols: number, rows: number): boolean {
    const s = this.mustSession(sessionId);
    s.cols = cols;
    s.rows = rows;
    s.stream?.setWindow(rows, cols, 0, 0);
    return !!s.stream;
  }

  ack(sessionId: string, bytes: number): boolean {
    const s = this.mustSession(sessionId);
    s.unacked = Math.max(0, s.unacked - bytes);
    if (s.paused && s.unacked <= LOW_WATER) {
      s.paused = false;
      s.stream?.resume();
    }
    return true;
  }

  /** Bytes sent to the UI and not yet acknowledged (flow control). */
  backlog(sessionId: string): { unacked: number; paused: boolean } {
    const s = this.mustSession(sessionId);
    return { unacked: s.unacked, paused: s.paused };
  }

  close(sessionId: string): boolean {
    const s = this.mustSession(sessionId);
    const stream = s.stream;
    s.stream = null;
    if (stream) {
      stream.removeAllListeners('data');
      stream.stderr.removeAllListeners('data');
      // Drain so the channel can end and emit 'close'.
      stream.resume();
      stream.stderr.resume();
      stream.close();
      s.releaseStream?.();
    }
    s.conn = null;
    this.finish(s);
    return true;
  }

  list(): SshSession[] {
    return [...this.sessions.values()].map((s) => s.info);
  }

  attachTranscript(sessionId: string): { followupId: string } {
    const s = this.mustSession(sessionId);
    if (!s.info.ticketId)
      throw new RelaisError('SSH_NO_TICKET', {
        fr: "Cette session n'est liée à aucun ticket : ouvrez-la depuis un ticket pour y joindre la transcription.",
        en: 'This session is not linked to a ticket: open it from a ticket to attach the transcript.',
      });
    const text = stripAnsi(s.transcript.join('') + s.decoder.end());
    s.decoder = new StringDecoder('utf8');
    const res = this.deps.timeline(s.info.ticketId, {
      kind: 'ssh_transcript',
      body: text.length > 200_000 ? text.slice(-200_000) : text,
      data: { sessionId, target: s.info.target, truncated: text.length > 200_000 || s.transcriptBytes >= TRANSCRIPT_MAX },
    });
    this.deps.audit.append({ action: 'ssh.transcript.attached', target: s.info.target, ticketId: s.info.ticketId, details: { sessionId } });
    return { followupId: res?.id ?? '' };
  }

  // ---- commands (configuration tools) --------------------------------------------------

  async exec(target: ExecTarget, command: string, opts: ExecOptions): Promise<ExecResult> {
    const route = 'profileId' in target ? this.profileRoute(target.profileId) : this.routeForInput(target);
    let conn: Conn;
    try {
      conn = (await this.connection(route)).conn;
    } catch (err) {
      if (err instanceof UnknownHostKey) throw sshErrors.hostKeyUnknown(err.host, err.port, err.info.keyType, err.info.fingerprint);
      throw err;
    }
    const posix = (opts.remoteOs ?? 'posix') === 'posix';
    const env = opts.env ?? {};
    for (const k of Object.keys(env)) if (!ENV_NAME.test(k)) throw new RelaisError('SSH_BAD_ENV', { fr: `Nom de variable invalide : ${k.slice(0, 40)}.`, en: `Invalid variable name: ${k.slice(0, 40)}.` });
    // POSIX: the login shell started by sshd leads its own session and process group; it
    // reports its PID (= the group id) first on stderr so the whole group can be killed.
    const full = posix
      ? `printf '\\036RELAIS_PGID=%s\\036\\n' "$$" >&2; ${Object.entries(env)
          .map(([k, v]) => `export ${k}=${shq(v)}; `)
          .join('')}${command}`
      : command;
    this.retain(conn);
    try {
      const stream = await new Promise<ClientChannel>((resolve, reject) =>
        conn.rc.client.exec(full, posix ? {} : { env }, (err, ch) => (err ? reject(err) : resolve(ch))),
      );
      return await new Promise<ExecResult>((resolve) => {
        const out = new StringDecoder('utf8');
        const errDec = new StringDecoder('utf8');
        let pgid: number | null = null;
        let errHead = posix ? '' : null;
        let exitCode: number | null = null;
        let exitSignal: string | undefined;
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
        stream.on('exit', (code: number | null, sig?: string) => {
          exitCode = typeof code === 'number' ? code : null;
          if (sig) exitSignal = sig;
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
    } finally {
      this.release(conn);
    }
  }

  /** Pushes a file over SFTP (temp name + rename) on a pooled, trusted connection. */
  async upload(target: ExecTarget, localPath: string, remotePath: string, opts: { onProgress?(p: { bytes: number; total: number }): void; signal?: AbortSignal } = {}): Promise<void> {
    const route = 'profileId' in target ? this.profileRoute(target.profileId) : this.routeForInput(target);
    let conn: Conn;
    try {
      conn = (await this.connection(route)).conn;
    } catch (err) {
      if (err instanceof UnknownHostKey) throw sshErrors.hostKeyUnknown(err.host, err.port, err.info.keyType, err.info.fingerprint);
      throw err;
    }
    this.retain(conn);
    try {
      const sftp = await this.sftpFor(conn);
      await sftpUpload(sftp, localPath, remotePath, opts.onProgress ?? (() => {}), opts.signal ?? new AbortController().signal);
    } catch (err) {
      if (err instanceof TransferCancelled || err instanceof RelaisError) throw err;
      throw sshErrors.transferFailed(String((err as Error).message ?? err).slice(0, 160));
    } finally {
      this.release(conn);
    }
  }

  /**
   * Closes at once every pooled connection that reaches host:port (as target or hop): after
   * its key changed, was replaced or removed, a connection authenticated under the old key
   * must not keep serving new terminals, commands or transfers. Open terminals on it are
   * marked dropped (reconnecting checks the key again). Returns how many were closed.
   */
  closeConnectionsTo(host: string, port: number): number {
    let n = 0;
    for (const c of [...this.pool.values()]) {
      if (![...c.route.hops, c.route.target].some((e) => e.host.toLowerCase() === host.toLowerCase() && e.port === port)) continue;
      c.rc.end();
      this.connectionGone(c);
      n++;
    }
    return n;
  }

  /** Drops pooled connections that no terminal or transfer uses (benchmarks, tests). */
  dropIdle(): void {
    for (const c of [...this.pool.values()]) {
      if (c.channels > 0) continue;
      c.closedByUs = true;
      c.rc.end();
      this.connectionGone(c);
    }
  }

  private profileRoute(profileId: string): Route {
    const profile = this.deps.profiles.get(profileId);
    if (!profile) throw sshErrors.profileNotFound(profileId);
    return this.routeForProfile(profile);
  }

  // ---- file transfer -------------------------------------------------------------------

  private sftpFor(conn: Conn): Promise<SFTPWrapper> {
    if (!conn.sftp) {
      conn.sftp = new Promise<SFTPWrapper>((resolve, reject) => conn.rc.client.sftp((err, sftp) => (err ? reject(err) : resolve(sftp))));
      conn.sftp.catch(() => (conn.sftp = null));
    }
    return conn.sftp;
  }

  async transfer(direction: 'upload' | 'download', sessionId: string, localPath: string, remotePath: string): Promise<SshEvents['ssh.transfer']> {
    const s = this.mustSession(sessionId);
    const { conn } = await this.connection(s.route);
    const sftp = await this.sftpFor(conn);
    const transferId = uuidv7();
    const ac = new AbortController();
    this.transfers.set(transferId, ac);
    const started = Date.now();
    let last = 0;
    const base = { transferId, direction, localPath, remotePath };
    const emit = (bytes: number, total: number, state: 'running' | 'done' | 'cancelled' | 'failed', error?: LocalizedText) => {
      const secs = (Date.now() - started) / 1000;
      const payload = { ...base, bytes, total, bytesPerSec: secs > 0 ? Math.round(bytes / secs) : 0, state, ...(error ? { error } : {}) };
      this.deps.emit('ssh.transfer', payload);
      return payload;
    };
    let progress = { bytes: 0, total: 0 };
    const onProgress = (pr: { bytes: number; total: number }) => {
      progress = pr;
      const now = Date.now();
      if (now - last >= 100) {
        last = now;
        emit(pr.bytes, pr.total, 'running');
      }
    };
    this.retain(conn);
    const initial = emit(0, 0, 'running');
    const run = direction === 'upload' ? sftpUpload(sftp, localPath, remotePath, onProgress, ac.signal) : sftpDownload(sftp, remotePath, localPath, onProgress, ac.signal);
    run.then(
      () => {
        emit(progress.total, progress.total, 'done');
        this.deps.audit.append({ action: `ssh.${direction}`, target: s.info.target, ticketId: s.info.ticketId ?? undefined, details: { localPath, remotePath, bytes: progress.total } });
      },
      (err) => {
        if (err instanceof TransferCancelled) emit(progress.bytes, progress.total, 'cancelled');
        else emit(progress.bytes, progress.total, 'failed', sshErrors.transferFailed(String((err as Error).message ?? err).slice(0, 160)).messages);
      },
    ).finally(() => {
      this.transfers.delete(transferId);
      this.release(conn);
    });
    return initial;
  }

  cancelTransfer(transferId: string): boolean {
    const ac = this.transfers.get(transferId);
    if (!ac) throw sshErrors.transferNotFound(transferId);
    ac.abort();
    return true;
  }

  // ---- host keys -----------------------------------------------------------------------

  /** Fetches the key a host presents now, without authenticating. */
  async probeHostKey(host: string, port: number): Promise<UnknownHostKey['info']> {
    const { Client } = await import('ssh2');
    const { hostKeyInfo } = await import('./hostkeys');
    return new Promise((resolve, reject) => {
      const c = new Client();
      let info: UnknownHostKey['info'] | null = null;
      c.on('error', () => (info ? resolve(info) : reject(sshErrors.connectFailed(`${host}:${port}`, 'no host key received'))));
      c.on('close', () => (info ? resolve(info) : reject(sshErrors.connectFailed(`${host}:${port}`, 'closed'))));
      c.connect({
        host,
        port,
        username: 'relais-hostkey-probe',
        readyTimeout: 15_000,
        authHandler: () => false,
        hostVerifier: (key: Buffer) => {
          info = hostKeyInfo(key);
          return false;
        },
      });
    });
  }

  async shutdown(): Promise<void> {
    for (const ac of this.transfers.values()) ac.abort();
    for (const s of this.sessions.values()) if (s.info.state !== 'closed') this.close(s.info.sessionId);
    for (const c of this.pool.values()) {
      c.closedByUs = true;
      c.rc.end();
    }
    this.pool.clear();
  }
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][A-Za-z0-9]|\x1b[=>NOMDE78c]|\r(?=\n)/g;
export function stripAnsi(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(ANSI, '').replace(/[\x00-\x08\x0b-\x1f\x7f]/g, (c) => (c === '\t' ? c : ''));
}
