/**
 * Terminal sessions: a shell channel on a pooled connection, flow control (the channel is
 * paused while too much output waits for the UI's acknowledgement), a bounded transcript,
 * reconnection after a drop, and the session record on the ticket timeline and audit log.
 */
import { StringDecoder } from 'node:string_decoder';
import { v7 as uuidv7 } from 'uuid';
import type { ClientChannel } from 'ssh2';
import { RelaisError } from '../../base/errors';
import { localize } from '../../base/messages';
import type { SshEvents, SshSession } from '../../domain/ssh';
import type { AuditLog } from '../security/audit';
import { endpointLabel, type Route } from './connection';
import { sshErrors } from './errors';
import type { Conn, ConnectionPool } from './pool';
import type { OpenResult } from './prompts';

/** Above this many bytes sent to the UI and not yet acknowledged, the channel is paused. */
export const HIGH_WATER = 256 * 1024;
export const LOW_WATER = 64 * 1024;
const TRANSCRIPT_MAX = 2 * 1024 * 1024;

export interface TerminalDeps {
  pool: ConnectionPool;
  audit: AuditLog;
  emit<E extends keyof SshEvents>(name: E, payload: SshEvents[E]): void;
  now(): Date;
  timeline(ticketId: string, entry: { kind: string; body: string; data?: unknown }): { id: string } | null;
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

/** The route kept for reconnection, without a one-time password. */
const withoutPassword = (route: Route): Route => (route.target.password ? { ...route, target: { ...route.target, password: undefined } } : route);

export class Terminals {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly deps: TerminalDeps) {}

  get(id: string): SshSession & { route: Route } {
    const s = this.must(id);
    return { ...s.info, route: s.route };
  }

  /** Opens a new shell for a dropped session, keeping its transcript and size. */
  reconnect(sessionId: string, password: string | undefined, withPrompt: (attempt: (allowOnce: Set<string>) => Promise<OpenResult>) => Promise<OpenResult>): Promise<OpenResult> {
    const s = this.must(sessionId);
    if (s.info.state === 'open') return Promise.resolve({ status: 'open', session: s.info });
    const route: Route = password ? { ...s.route, target: { ...s.route.target, password } } : s.route;
    return withPrompt((allowOnce) => this.openShell(route, allowOnce, { existing: s, cols: s.cols, rows: s.rows }));
  }

  /** Opens a shell on the route's pooled connection: a new session, or `existing` reconnected. */
  async openShell(route: Route, allowOnce: Set<string>, o: { profileId?: string; ticketId?: string | null; existing?: Session; cols: number; rows: number }): Promise<OpenResult> {
    const { pool } = this.deps;
    const { conn, reused } = await pool.get(route, allowOnce);
    pool.retain(conn);
    let stream: ClientChannel;
    try {
      stream = await new Promise<ClientChannel>((resolve, reject) =>
        conn.rc.client.shell({ term: 'xterm-256color', cols: o.cols, rows: o.rows }, { env: { LANG: 'C.UTF-8', COLORTERM: 'truecolor' } } as never, (err, ch) => (err ? reject(err) : resolve(ch))),
      );
    } catch (err) {
      pool.release(conn);
      throw sshErrors.connectFailed(endpointLabel(route.target), String((err as Error).message).slice(0, 120));
    }
    const target = endpointLabel(route.target);
    let s = o.existing;
    if (s) {
      s.conn = conn;
      s.stream = stream;
      s.route = withoutPassword(route);
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
        route: withoutPassword(route),
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
      this.deps.pool.release(conn);
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
        this.deps.emit('ssh.flow', { sessionId: s.info.sessionId, state: 'paused', unacked: s.unacked });
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

  /** The connection under some sessions is gone: those not closed by us are marked dropped. */
  connectionGone(conn: Conn): void {
    for (const s of this.sessions.values()) {
      if (s.conn !== conn || s.info.state !== 'open') continue;
      s.conn = null;
      s.stream = null;
      if (conn.closedByUs) continue;
      s.info = { ...s.info, state: 'dropped' };
      this.deps.emit('ssh.status', {
        sessionId: s.info.sessionId,
        state: 'dropped',
        reason: localize('SSH_CONNECTION_LOST', { target: s.info.target }),
      });
    }
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

  private must(id: string): Session {
    const s = this.sessions.get(id);
    if (!s) throw sshErrors.sessionNotFound(id);
    return s;
  }

  write(sessionId: string, data: string): boolean {
    const s = this.must(sessionId);
    if (!s.stream) return false;
    return s.stream.write(data) || true;
  }

  resize(sessionId: string, cols: number, rows: number): boolean {
    const s = this.must(sessionId);
    s.cols = cols;
    s.rows = rows;
    s.stream?.setWindow(rows, cols, 0, 0);
    return !!s.stream;
  }

  ack(sessionId: string, bytes: number): boolean {
    const s = this.must(sessionId);
    s.unacked = Math.max(0, s.unacked - bytes);
    if (s.paused && s.unacked <= LOW_WATER) {
      s.paused = false;
      s.stream?.resume();
      this.deps.emit('ssh.flow', { sessionId: s.info.sessionId, state: 'resumed', unacked: s.unacked });
    }
    return true;
  }

  /** Bytes sent to the UI and not yet acknowledged (flow control). */
  backlog(sessionId: string): { unacked: number; paused: boolean } {
    const s = this.must(sessionId);
    return { unacked: s.unacked, paused: s.paused };
  }

  close(sessionId: string): boolean {
    const s = this.must(sessionId);
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

  closeAll(): void {
    for (const s of this.sessions.values()) if (s.info.state !== 'closed') this.close(s.info.sessionId);
  }

  attachTranscript(sessionId: string): { followupId: string } {
    const s = this.must(sessionId);
    if (!s.info.ticketId)
      throw RelaisError.of('SSH_NO_TICKET');
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
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][A-Za-z0-9]|\x1b[=>NOMDE78c]|\r(?=\n)/g;
export function stripAnsi(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(ANSI, '').replace(/[\x00-\x08\x0b-\x1f\x7f]/g, (c) => (c === '\t' ? c : ''));
}
