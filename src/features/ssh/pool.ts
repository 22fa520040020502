/**
 * The connection pool: one authenticated connection per route, shared by terminals,
 * commands and transfers, closed after a minute without any channel. A refused changed
 * host key is audited and closes every connection to that host.
 */
import { v7 as uuidv7 } from 'uuid';
import type { SFTPWrapper } from 'ssh2';
import { RelaisError } from '../../base/errors';
import { localize } from '../../base/messages';
import type { AuditLog } from '../security/audit';
import { getSecretFor, loginSecretKinds, type Vault } from '../security/vault';
import { connectRoute, routeKey, UnknownHostKey, type Route, type RouteConnection } from './connection';
import { sshErrors } from './errors';
import type { TrustStore } from './hostkeys';

const IDLE_CLOSE_MS = 60_000;

export interface Conn {
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

export interface PoolDeps {
  trust: TrustStore;
  vault: Vault;
  audit: AuditLog;
  /** Called once when a connection is gone (closed by us or dropped by the network). */
  onGone(conn: Conn): void;
}

export class ConnectionPool {
  private readonly pool = new Map<string, Conn>();
  private readonly connecting = new Map<string, Promise<Conn>>();

  constructor(private readonly deps: PoolDeps) {}

  private async secret(credentialId: string, usedFor: string): Promise<string> {
    const value = await getSecretFor(this.deps.vault, credentialId, loginSecretKinds, localize('PURPOSE_SSH_CONNECTION'));
    this.deps.audit.append({ action: 'credential.used', target: credentialId, details: { for: usedFor } });
    return value;
  }

  /** The pooled connection for `route`, opened (once, even for concurrent callers) if needed. */
  async get(route: Route, allowOnce: Set<string> = new Set()): Promise<{ conn: Conn; reused: boolean }> {
    const key = routeKey(route);
    const existing = this.pool.get(key);
    if (existing && !existing.dead) return { conn: existing, reused: true };
    const pending = this.connecting.get(key);
    if (pending) return { conn: await pending, reused: true };
    const p = this.open(key, route, allowOnce);
    this.connecting.set(key, p);
    try {
      return { conn: await p, reused: false };
    } finally {
      this.connecting.delete(key);
    }
  }

  /** Like `get`, for callers that cannot ask the technician: an unknown key is an error. */
  async trusted(route: Route): Promise<Conn> {
    try {
      return (await this.get(route)).conn;
    } catch (err) {
      if (err instanceof UnknownHostKey) throw sshErrors.hostKeyUnknown(err.host, err.port, err.info.keyType, err.info.fingerprint);
      throw err;
    }
  }

  private async open(key: string, route: Route, allowOnce: Set<string>): Promise<Conn> {
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
    const onGone = () => this.gone(conn);
    rc.client.once('close', onGone);
    // A socket error is always followed by 'close', handled above; without a listener ssh2 would throw.
    rc.client.on('error', () => {});
    for (const c of rc.clients) if (c !== rc.client) c.once('close', onGone);
    this.pool.set(key, conn);
    return conn;
  }

  private gone(conn: Conn): void {
    if (conn.dead) return;
    conn.dead = true;
    if (conn.idleTimer) clearTimeout(conn.idleTimer);
    if (this.pool.get(conn.key) === conn) this.pool.delete(conn.key);
    conn.rc.end();
    this.deps.onGone(conn);
  }

  /** A channel starts using `conn`: it stays open. */
  retain(conn: Conn): void {
    conn.channels++;
    if (conn.idleTimer) clearTimeout(conn.idleTimer);
    conn.idleTimer = null;
  }

  /** A channel stopped using `conn`: closed after a minute if no other one starts. */
  release(conn: Conn): void {
    conn.channels = Math.max(0, conn.channels - 1);
    if (conn.channels === 0 && !conn.dead) {
      if (conn.idleTimer) clearTimeout(conn.idleTimer);
      conn.idleTimer = setTimeout(() => {
        if (conn.channels === 0) this.closeByUs(conn);
      }, IDLE_CLOSE_MS);
      conn.idleTimer.unref();
    }
  }

  /** Runs `work` on `conn`, holding it open meanwhile. */
  async using<T>(conn: Conn, work: () => Promise<T>): Promise<T> {
    this.retain(conn);
    try {
      return await work();
    } finally {
      this.release(conn);
    }
  }

  private closeByUs(conn: Conn): void {
    conn.closedByUs = true;
    conn.rc.end();
    this.gone(conn);
  }

  /**
   * Closes at once every pooled connection that reaches host:port (as target or hop): after
   * its key changed, was replaced or removed, a connection authenticated under the old key
   * must not keep serving new terminals, commands or transfers. Returns how many were closed.
   */
  closeConnectionsTo(host: string, port: number): number {
    let n = 0;
    for (const c of [...this.pool.values()]) {
      if (![...c.route.hops, c.route.target].some((e) => e.host.toLowerCase() === host.toLowerCase() && e.port === port)) continue;
      c.rc.end();
      this.gone(c);
      n++;
    }
    return n;
  }

  /** Drops pooled connections that no terminal or transfer uses (benchmarks, tests). */
  dropIdle(): void {
    for (const c of [...this.pool.values()]) if (c.channels === 0) this.closeByUs(c);
  }

  shutdown(): void {
    for (const c of this.pool.values()) {
      c.closedByUs = true;
      c.rc.end();
    }
    this.pool.clear();
  }
}
