/**
 * The sync engine: pushes the outbox to the ITSM server and pulls the server's tickets.
 * It assembles its parts, each in its own module:
 * - `scheduler.ts`: single-flight runs, reconciliation cadence, retry timer;
 * - `push.ts`: the outbox drain (FIFO per ticket, retries, parking, three-way merge);
 * - `committer.ts`: the push's durable bookkeeping in batches;
 * - `pull.ts`: pull with watermark, history on demand, deletions and merges;
 * - `merge.ts`: the pure three-way merge and timeline union;
 * - `health.ts`: what is known of the server (answered, unreachable since, token refused).
 * Tickets and timelines are written by the tickets feature (`TicketReplicaPort`, which each part
 * reaches through `part.ts`); the engine writes its own tables and the outbox's sync columns.
 */
import { BatchCommitter } from './committer';
import { SyncHealth } from './health';
import { Puller } from './pull';
import { Pusher } from './push';
import { SyncScheduler } from './scheduler';
import { safeParse, type EngineOptions, type EngineStatus, type SyncState } from './engine-types';
import type { Connector } from './types';

export { creationEntryId, safeParse, type EngineOptions, type EngineStatus, type ParkedError, type SyncState } from './engine-types';

export class SyncEngine {
  private connector: Connector | null = null;
  private readonly health: SyncHealth;
  private readonly scheduler: SyncScheduler;
  private readonly pusher: Pusher;
  private readonly puller: Puller;

  constructor(private readonly o: EngineOptions) {
    const parallelism = Math.max(1, o.parallelism ?? 4);
    const log = (level: 'info' | 'warn' | 'error', m: string) => o.log?.(level, m);
    const emitStatus = () => this.emitStatus();
    this.health = new SyncHealth(this, o.now);
    const part = { options: o, health: this.health, parallelism, emitStatus, log };
    this.puller = new Puller({ ...part, state: this });
    this.pusher = new Pusher({
      ...part,
      committer: new BatchCommitter(o.db, { log, onTicketsChanged: o.onTicketsChanged }),
      pendingCount: () => this.status().pending,
      emitStatus,
      log,
      reconcileMerged: (ticketId, into) => this.puller.reconcileMerged(ticketId, into),
    });
    this.scheduler = new SyncScheduler(
      {
        hasConnector: () => this.connector !== null,
        push: () => this.push(),
        pull: () => this.pull(),
        reconcile: () => this.reconcile(),
        nextAttemptAt: () =>
          (this.o.db.prepare("SELECT MIN(next_attempt_at) AS t FROM outbox WHERE state = 'pending' AND next_attempt_at IS NOT NULL").get() as { t: string | null }).t,
      },
      { state: this, health: this.health, now: o.now, reconcileEveryMs: o.reconcileEveryMs, emitStatus, log },
    );
  }

  setConnector(c: Connector | null): void {
    this.connector = c;
    this.health.reset();
    this.emitStatus();
  }
  getConnector(): Connector | null {
    return this.connector;
  }

  // ---- state ----------------------------------------------------------------------------

  getState(key: string): string | null {
    return (this.o.db.prepare('SELECT value FROM sync_state WHERE key = ?').get(key) as { value: string } | undefined)?.value ?? null;
  }
  setState(key: string, value: string | null): void {
    if (value === null) this.o.db.prepare('DELETE FROM sync_state WHERE key = ?').run(key);
    else this.o.db.prepare('INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  status(): EngineStatus {
    const count = (sql: string) => (this.o.db.prepare(sql).get() as { n: number }).n;
    const parked = count("SELECT COUNT(*) AS n FROM outbox WHERE state = 'parked'");
    const lastSuccessAt = this.getState('lastSuccessAt');
    const h = this.health;
    const state: SyncState = !this.connector
      ? 'local'
      : h.authRefused
        ? 'authRefused'
        : h.online === false
          ? 'unreachable'
          : parked > 0
            ? 'rejected'
            : h.online === null && !lastSuccessAt
              ? 'connecting'
              : 'synced';
    return {
      state,
      unreachableSince: state === 'unreachable' ? this.getState('unreachableSince') : null,
      running: this.scheduler.isRunning,
      online: h.online,
      pending: count("SELECT COUNT(*) AS n FROM outbox WHERE state = 'pending'"),
      parked,
      conflicts: count('SELECT COUNT(*) AS n FROM sync_conflicts WHERE resolved_at IS NULL'),
      lastSuccessAt: this.getState('lastSuccessAt'),
      lastError: h.lastError,
      initialDone: this.getState('watermark') !== null,
    };
  }

  private emitStatus() {
    this.o.onStatus?.(this.status());
  }

  // ---- runs -----------------------------------------------------------------------------

  /** One push + pull, single-flight: a second call while running waits for the same run. */
  sync(options: { push?: boolean; pull?: boolean } = {}): Promise<void> {
    return this.scheduler.sync(options);
  }
  stop(): void {
    this.scheduler.stop();
  }
  resume(): void {
    this.scheduler.resume();
  }
  idle(): Promise<void> {
    return this.scheduler.idle();
  }

  /** Drains what is due. Returns false when something failed (retry scheduled or parked). */
  async push(): Promise<boolean> {
    return this.connector ? this.pusher.push(this.connector) : false;
  }
  async pull(): Promise<boolean> {
    return this.connector ? this.puller.pull(this.connector) : false;
  }
  /** Compares local server ids with the server's list; deleted and merged tickets are reconciled. */
  async reconcile(): Promise<{ deleted: number; merged: number }> {
    return this.connector ? this.puller.reconcile(this.connector) : { deleted: 0, merged: 0 };
  }
  /** Whether a ticket's older follow-ups are still on the server only ("historique partiel"). */
  historyPartial(ticketId: string): boolean {
    return this.puller.historyPartial(ticketId);
  }
  /** Fetches a ticket's whole timeline from the server once (on opening it); returns how many entries arrived. */
  loadHistory(ticketId: string): Promise<number> {
    return this.puller.loadHistory(this.connector, ticketId);
  }

  // ---- parked ops -----------------------------------------------------------------------

  retryParked(filter: { opId?: string; kind?: string } = {}): number {
    const rows = this.o.db.prepare("SELECT seq, op_id, last_error FROM outbox WHERE state = 'parked'").all() as { seq: number; op_id: string; last_error: string | null }[];
    let n = 0;
    for (const r of rows) {
      if (filter.opId && r.op_id !== filter.opId) continue;
      if (filter.kind) {
        const k = safeParse(r.last_error)?.kind;
        if (k !== filter.kind) continue;
      }
      this.o.db.prepare("UPDATE outbox SET state = 'pending', next_attempt_at = NULL WHERE seq = ?").run(r.seq);
      n++;
    }
    this.emitStatus();
    return n;
  }

  /**
   * The server configuration changed: parked ops are qualified again. Transport and
   * authentication failures (and what a wrong server answered: 404, 405, redirects, HTML)
   * go back to pending; validation and rights refusals of a real server stay parked.
   * `credentials` only: a new token retries what the old one was refused.
   */
  requalifyParked(change: 'server' | 'credentials'): number {
    const rows = this.o.db.prepare("SELECT seq, last_error FROM outbox WHERE state = 'parked'").all() as { seq: number; last_error: string | null }[];
    const retry = this.o.db.prepare("UPDATE outbox SET state = 'pending', next_attempt_at = NULL WHERE seq = ?");
    let n = 0;
    this.o.db.transaction(() => {
      for (const r of rows) {
        const e = safeParse(r.last_error);
        const byCredentials = e?.kind === 'auth' || e?.status === 401 || e?.status === 403;
        const byServer = byCredentials || e?.kind === 'transient' || e?.kind === 'notFound' || e?.status === null || e?.status === 404 || e?.status === 405 || (e?.status !== undefined && e.status >= 300 && e.status < 400);
        if (change === 'credentials' ? !byCredentials : !byServer) continue;
        retry.run(r.seq);
        n++;
      }
    })();
    if (n) this.health.authRefused = false;
    this.emitStatus();
    return n;
  }

  /** Local values of a ticket in sync vocabulary (for conflict resolution). */
  localFields(ticketId: string) {
    return this.o.tickets.fields(ticketId);
  }
}
