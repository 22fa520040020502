/**
 * The sync engine: pushes the outbox to the ITSM server and pulls the server's tickets.
 *
 * Push: the outbox is drained FIFO per ticket and in parallel across tickets (up to
 * `parallelism`). Before each attempt the row's `attempts` is incremented durably; a
 * create whose previous attempt may have reached the server (attempts > 0) first looks
 * for its operation UUID on the server, so a lost response never makes a duplicate.
 * Errors: transient (network, timeout, 5xx, 429) → retried with exponential backoff and
 * jitter; auth → the credentials are re-read once, then the op is parked; rejected (4xx
 * validation / rights) → parked as "à traiter" with the server's message.
 * Updates: a three-way merge against the op's base; a field changed on both sides becomes
 * a conflict for the technician (never overwritten); the rest goes with If-Match.
 *
 * Pull: pages through tickets changed since the watermark (minus an overlap), oldest
 * first; upserts are idempotent (de-duplication by server id + server version); items
 * that fail validation are logged in `sync_skipped` and skipped. Deletions and merges are
 * reconciled against the server's id list.
 */
import type { Db } from '../../platform/db';
import type { OutboxRow } from '../tickets/outbox';
import {
  changesToSync,
  createPayloadToSync,
  localFields,
  readTicketOps,
  serverIdOf,
  setServerId,
  ticketByServerId,
  upsertRemoteFollowups,
  upsertRemoteTicket,
} from './local';
import { BadDataError, SyncError, type Connector, type SyncField, type SyncFields, type TicketPage } from './types';

export interface EngineOptions {
  db: Db;
  now(): Date;
  /** Ticket ids changed locally by sync (the tickets feature's `tickets.changed` event). */
  onTicketsChanged?(ids: string[]): void;
  onStatus?(status: EngineStatus): void;
  onProgress?(p: { phase: 'push' | 'pull'; done: number; total: number | null }): void;
  log?(level: 'info' | 'warn' | 'error', message: string): void;
  parallelism?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  pageSize?: number;
  /** Seconds subtracted from the watermark on each incremental pull. */
  overlapSec?: number;
  /** Follow-ups of changed tickets are pulled on incremental syncs (not on the first). */
  pullFollowups?: boolean;
  /** Equivalence of values on this server (e.g. RT open = 2 or 3). */
  normalize?(field: SyncField, v: unknown): unknown;
  random?(): number;
  /** How often a pull also reconciles deletions and merges (default 15 min). */
  reconcileEveryMs?: number;
}

/**
 * The one state the status bar words (defect 4), in order of what the technician must act on:
 * local (no server), authRefused (401 after re-reading the token), unreachable (since T),
 * rejected (N parked), connecting (no answer yet), synced (at T).
 */
export type SyncState = 'local' | 'connecting' | 'synced' | 'unreachable' | 'authRefused' | 'rejected';

export interface EngineStatus {
  state: SyncState;
  /** First failed attempt of the current outage (only while unreachable). */
  unreachableSince: string | null;
  running: boolean;
  online: boolean | null;
  pending: number;
  parked: number;
  conflicts: number;
  lastSuccessAt: string | null;
  lastError: string | null;
  initialDone: boolean;
}

export interface ParkedError {
  kind: string;
  status: number | null;
  message: string;
}

/** Follow-up kinds that only mirror a ticket.update already in the outbox (timeline history). */
const MIRROR_KINDS = new Set(['status', 'assign', 'created', 'edit', 'rules']);

export class SyncEngine {
  private connector: Connector | null = null;
  private running: Promise<void> | null = null;
  private online: boolean | null = null;
  private lastError: string | null = null;
  /** The server answered 401 even after the token was re-read: every operation will fail. */
  private authRefused = false;
  /** The server answered at least once during the current run. */
  private answered = false;
  private readonly db: Db;
  private readonly parallelism: number;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(private readonly o: EngineOptions) {
    this.db = o.db;
    this.parallelism = Math.max(1, o.parallelism ?? 4);
  }

  setConnector(c: Connector | null): void {
    this.connector = c;
    this.online = null;
    this.authRefused = false;
    this.lastError = null;
    this.setState('unreachableSince', null);
    this.emitStatus();
  }
  getConnector(): Connector | null {
    return this.connector;
  }

  // ---- state ----------------------------------------------------------------------------

  getState(key: string): string | null {
    return (this.db.prepare('SELECT value FROM sync_state WHERE key = ?').get(key) as { value: string } | undefined)?.value ?? null;
  }
  setState(key: string, value: string | null): void {
    if (value === null) this.db.prepare('DELETE FROM sync_state WHERE key = ?').run(key);
    else this.db.prepare('INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  status(): EngineStatus {
    const count = (sql: string) => (this.db.prepare(sql).get() as { n: number }).n;
    const parked = count("SELECT COUNT(*) AS n FROM outbox WHERE state = 'parked'");
    const lastSuccessAt = this.getState('lastSuccessAt');
    const state: SyncState = !this.connector
      ? 'local'
      : this.authRefused
        ? 'authRefused'
        : this.online === false
          ? 'unreachable'
          : parked > 0
            ? 'rejected'
            : this.online === null && !lastSuccessAt
              ? 'connecting'
              : 'synced';
    return {
      state,
      unreachableSince: state === 'unreachable' ? this.getState('unreachableSince') : null,
      running: this.running !== null,
      online: this.online,
      pending: count("SELECT COUNT(*) AS n FROM outbox WHERE state = 'pending'"),
      parked,
      conflicts: count('SELECT COUNT(*) AS n FROM sync_conflicts WHERE resolved_at IS NULL'),
      lastSuccessAt: this.getState('lastSuccessAt'),
      lastError: this.lastError,
      initialDone: this.getState('watermark') !== null,
    };
  }
  /** The server answered (any HTTP answer but 401): it is reachable and the token works. */
  private markAnswered() {
    this.answered = true;
    this.online = true;
    this.authRefused = false;
    if (this.getState('unreachableSince') !== null) this.setState('unreachableSince', null);
  }
  private markUnreachable() {
    this.online = false;
    if (this.getState('unreachableSince') === null) this.setState('unreachableSince', this.o.now().toISOString());
  }

  private emitStatus() {
    this.o.onStatus?.(this.status());
  }
  private log(level: 'info' | 'warn' | 'error', m: string) {
    this.o.log?.(level, m);
  }

  // ---- scheduling -----------------------------------------------------------------------

  /** One push + pull, single-flight: a second call while running waits for the same run. */
  sync(options: { push?: boolean; pull?: boolean } = {}): Promise<void> {
    if (this.running) return this.running;
    const run = (async () => {
      this.answered = false;
      try {
        if (!this.connector) return;
        let ok = true;
        if (options.push !== false) ok = (await this.push()) && ok;
        if (options.pull !== false) {
          const wasInitial = this.getState('watermark') === null;
          ok = (await this.pull()) && ok;
          // Deletions and merges do not show in "changed since": compare id lists now and then.
          const last = this.getState('reconciledAt');
          const every = this.o.reconcileEveryMs ?? 15 * 60_000;
          if (!wasInitial && (!last || this.o.now().getTime() - Date.parse(last) > every)) {
            await this.reconcile();
            this.setState('reconciledAt', this.o.now().toISOString());
          } else if (wasInitial) this.setState('reconciledAt', this.o.now().toISOString());
        }
        // Only a server's answer is a success: a run that sent nothing proves nothing.
        if (ok && this.answered) {
          this.setState('lastSuccessAt', this.o.now().toISOString());
          this.lastError = null;
        }
      } catch (err) {
        this.lastError = err instanceof Error ? err.message.slice(0, 300) : String(err);
        if (err instanceof SyncError && err.kind === 'transient') this.markUnreachable();
        else if (err instanceof SyncError && err.kind === 'auth') this.authRefused = true;
        this.log('warn', `sync failed: ${this.lastError}`);
      } finally {
        this.running = null;
        this.emitStatus();
        this.scheduleRetry();
      }
    })();
    this.running = run;
    this.emitStatus();
    return run;
  }

  /** Background: re-runs push when a backoff expires; `stop()` cancels. */
  private scheduleRetry() {
    if (this.stopped || !this.connector) return;
    const next = this.db.prepare("SELECT MIN(next_attempt_at) AS t FROM outbox WHERE state = 'pending' AND next_attempt_at IS NOT NULL").get() as { t: string | null };
    if (!next.t) return;
    const delay = Math.max(50, Date.parse(next.t) - this.o.now().getTime());
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.sync({ pull: false });
    }, delay);
    this.timer.unref?.();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
  resume(): void {
    this.stopped = false;
  }
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  // ---- push -----------------------------------------------------------------------------

  /**
   * Durable bookkeeping, grouped: everything queued while a request is in flight commits in
   * one transaction (one fsync), and an op's "done" commits together with the next op's
   * "attempted" mark. Resolves once committed.
   */
  private commitQueue: { fn: () => unknown; resolve: (v: unknown) => void; reject: (e: unknown) => void }[] = [];
  private commitScheduled = false;
  private commit<T>(fn: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.commitQueue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (!this.commitScheduled) {
        this.commitScheduled = true;
        setImmediate(() => this.flushCommits());
      }
    });
  }
  private flushCommits() {
    this.commitScheduled = false;
    const batch = this.commitQueue.splice(0);
    const results: ({ ok: true; v: unknown } | { ok: false; e: unknown })[] = [];
    try {
      this.db.transaction(() => {
        for (const b of batch) {
          try {
            results.push({ ok: true, v: b.fn() });
          } catch (e) {
            results.push({ ok: false, e });
          }
        }
      })();
    } catch (e) {
      for (const b of batch) b.reject(e);
      return;
    }
    batch.forEach((b, i) => {
      const r = results[i]!;
      if (r.ok) b.resolve(r.v);
      else b.reject(r.e);
    });
  }

  /**
   * Ops whose `attempts` this process incremented but which were never sent: their first
   * send needs no search on the server. After a crash this set is empty, so every op with
   * attempts > 0 is searched for before being sent again (never a duplicate).
   */
  private readonly fresh = new Set<number>();
  /** Done on the server, "done" not committed yet (written in batches, off the critical path). */
  private readonly doneLocal = new Set<number>();
  private readonly localServerIds = new Map<string, string>();
  private donePending: { seq: number; ticketId: string; finalize: () => void }[] = [];
  private doneFlush: Promise<void> | null = null;

  private doneTimer: NodeJS.Timeout | null = null;
  /**
   * Commits finished ops in one transaction; a crash before it only means a search on
   * restart. Batched on a short timer (or when many are waiting) so the fsync of the
   * commit stays off the requests' path; `now` forces it (end of a drain round).
   */
  private flushDone(now = false): Promise<void> {
    if (this.doneFlush) return this.doneFlush;
    if (!now && this.donePending.length < 64) {
      if (!this.doneTimer) {
        this.doneTimer = setTimeout(() => {
          this.doneTimer = null;
          void this.flushDone(true);
        }, 200);
        this.doneTimer.unref?.();
      }
      return Promise.resolve();
    }
    if (this.doneTimer) {
      clearTimeout(this.doneTimer);
      this.doneTimer = null;
    }
    this.doneFlush = new Promise<void>((resolve) => {
      setImmediate(() => {
        const batch = this.donePending.splice(0);
        try {
          this.db.transaction(() => {
            for (const d of batch) {
              try {
                d.finalize();
              } catch (err) {
                this.log('error', `local write after sync failed: ${(err as Error).message}`);
              }
              this.db.prepare("UPDATE outbox SET state = 'done', last_error = NULL, next_attempt_at = NULL WHERE seq = ?").run(d.seq);
            }
          })();
        } catch (err) {
          // Not committed: the ops stay pending (attempts > 0) and are searched for next time.
          this.log('error', `could not record sync progress: ${(err as Error).message}`);
        }
        for (const d of batch) {
          this.doneLocal.delete(d.seq);
          if (this.localServerIds.get(d.ticketId) !== undefined && !this.donePending.some((p) => p.ticketId === d.ticketId)) this.localServerIds.delete(d.ticketId);
        }
        this.doneFlush = null;
        if (batch.length) this.o.onTicketsChanged?.([...new Set(batch.map((d) => d.ticketId))]);
        resolve();
      });
    });
    return this.doneFlush;
  }

  private serverIdOf(ticketId: string): string | null {
    return this.localServerIds.get(ticketId) ?? serverIdOf(this.db, ticketId);
  }

  /** Drains what is due. Returns false when something failed (retry scheduled or parked). */
  async push(): Promise<boolean> {
    const connector = this.connector;
    if (!connector) return false;
    let allOk = true;
    const claimed = new Set<string>();
    const nowIso = () => this.o.now().toISOString();
    /** The first op of a ticket not done yet, when it can run now. */
    const headOp = (ticketId: string): OutboxRow | null => {
      const op = readTicketOps(this.db, ticketId).find((r) => !this.doneLocal.has(r.seq));
      if (!op || op.state !== 'pending') return null;
      const due = this.db.prepare('SELECT next_attempt_at FROM outbox WHERE seq = ?').get(op.seq) as { next_attempt_at: string | null };
      if (due.next_attempt_at && due.next_attempt_at > nowIso()) return null;
      return op;
    };
    let candidates: string[] = [];
    const loadCandidates = () => {
      // Tickets in order of their oldest waiting op; heads parked or in backoff are skipped by headOp.
      candidates = (
        this.db.prepare("SELECT ticket_id, MIN(seq) AS s FROM outbox WHERE state IN ('pending', 'parked') GROUP BY ticket_id ORDER BY s").all() as { ticket_id: string }[]
      ).map((r) => r.ticket_id);
    };
    const nextTicket = (): string | null => {
      while (candidates.length) {
        const t = candidates.shift()!;
        if (claimed.has(t)) continue;
        claimed.add(t);
        return t;
      }
      return null;
    };
    /** Durable "may have been sent" mark, in bulk: one commit for everything runnable now. */
    const claimAll = () => {
      const rows = this.db.prepare("SELECT seq FROM outbox WHERE state = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= ?)").all(nowIso()) as { seq: number }[];
      const mark = this.db.prepare('UPDATE outbox SET attempts = attempts + 1 WHERE seq = ?');
      this.db.transaction(() => {
        for (const r of rows) {
          if (this.fresh.has(r.seq) || this.doneLocal.has(r.seq)) continue;
          mark.run(r.seq);
          this.fresh.add(r.seq);
        }
      })();
    };
    /** Picks the next op (same ticket first, FIFO). */
    const pick = (ticketId: string | null): { ticketId: string; op: OutboxRow } | null => {
      let t = ticketId;
      let op = t ? headOp(t) : null;
      while (!op) {
        t = nextTicket();
        if (!t) return null;
        op = headOp(t);
      }
      return { ticketId: t!, op };
    };
    const pendingTotal = this.status().pending;
    let done = 0;
    const worker = async () => {
      let cur = pick(null);
      while (cur) {
        const { ticketId, op } = cur;
        if (!this.fresh.has(op.seq)) {
          // Arrived after the bulk claim, or retried: mark it before sending (durable).
          await this.commit(() => this.db.prepare('UPDATE outbox SET attempts = attempts + 1 WHERE seq = ?').run(op.seq));
          this.fresh.add(op.seq);
          op.attempts += 1;
        }
        // `attempts` counts this claim: more than one means an earlier claim may have been sent.
        const maybeSent = op.attempts > 1;
        this.fresh.delete(op.seq);
        const result = await this.attempt(connector, { ...op, attempts: maybeSent ? op.attempts : 0 });
        if (result.ok) {
          done++;
          if (done % 10 === 0 || done === pendingTotal) this.o.onProgress?.({ phase: 'push', done, total: pendingTotal });
          this.doneLocal.add(op.seq);
          if (result.serverId) this.localServerIds.set(ticketId, result.serverId);
          this.donePending.push({ seq: op.seq, ticketId, finalize: result.finalize });
          void this.flushDone();
          cur = pick(ticketId);
        } else {
          allOk = false;
          await this.commit(() => this.fail(op, result.error));
          cur = pick(null);
        }
      }
    };
    // Several rounds: a ticket freed by another worker (or a new op) is picked up.
    for (let round = 0; round < 1000; round++) {
      const before = done;
      claimed.clear();
      claimAll();
      loadCandidates();
      await Promise.all(Array.from({ length: this.parallelism }, worker));
      await this.flushDone(true);
      while (this.doneFlush || this.donePending.length) await this.flushDone(true);
      if (done === before) break;
      if (this.status().pending === 0) break;
    }
    this.emitStatus();
    return allOk;
  }

  /** Sends one op (re-authenticating once on an auth failure); the local writes are returned, not made. */
  private async attempt(connector: Connector, op: OutboxRow): Promise<{ ok: true; finalize: () => void; serverId: string | null } | { ok: false; error: unknown }> {
    let reauthed = false;
    for (;;) {
      try {
        const r = await this.apply(connector, op);
        this.markAnswered();
        return { ok: true, finalize: r?.finalize ?? (() => {}), serverId: r?.serverId ?? null };
      } catch (err) {
        if (err instanceof SyncError && err.kind === 'auth' && !reauthed) {
          reauthed = true;
          await (connector as { reauth?: () => Promise<void> }).reauth?.().catch(() => {});
          continue;
        }
        return { ok: false, error: err };
      }
    }
  }

  private fail(op: OutboxRow, err: unknown) {
    const e = err instanceof SyncError ? err : err instanceof BadDataError ? new SyncError('transient', err.reason) : new SyncError('transient', (err as Error)?.message ?? String(err));
    if (e.kind === 'transient' || e.kind === 'conflict') {
      const attempts = Math.max(1, op.attempts); // this attempt is already counted (claimed before sending)
      const base = this.o.backoffBaseMs ?? 1_000;
      const max = this.o.backoffMaxMs ?? 5 * 60_000;
      const exp = Math.min(max, base * 2 ** Math.min(attempts - 1, 20));
      const jitter = exp * (0.5 + (this.o.random ?? Math.random)() * 0.5);
      const delay = Math.max(e.retryAfterMs ?? 0, jitter);
      const at = new Date(this.o.now().getTime() + delay).toISOString();
      this.db.prepare('UPDATE outbox SET next_attempt_at = ?, last_error = ? WHERE seq = ?').run(at, JSON.stringify({ kind: e.kind, status: e.status, message: e.serverMessage }), op.seq);
      if (e.kind === 'transient') this.markUnreachable();
      else this.markAnswered();
      this.lastError = e.serverMessage;
      return;
    }
    // auth (after one re-auth), rejected, notFound: "à traiter" with the server's message.
    this.db.prepare("UPDATE outbox SET state = 'parked', next_attempt_at = NULL, last_error = ? WHERE seq = ?").run(
      JSON.stringify({ kind: e.kind, status: e.status, message: e.serverMessage } satisfies ParkedError),
      op.seq,
    );
    if (e.kind === 'auth') {
      this.online = true;
      this.answered = true;
      this.authRefused = true;
    } else this.markAnswered();
    this.lastError = e.serverMessage;
    this.log('warn', `operation ${op.opId} (${op.kind}) parked: ${e.serverMessage}`);
    this.o.onTicketsChanged?.([op.ticketId]);
  }

  /** Sends one op; returns the local writes to make once it is known to be on the server. */
  private async apply(connector: Connector, op: OutboxRow): Promise<{ finalize: () => void; serverId?: string } | null> {
    switch (op.kind) {
      case 'ticket.create': {
        if (this.serverIdOf(op.ticketId)) return null; // linked by a pull meanwhile
        let serverId: string | null = null;
        if (op.attempts > 0) serverId = await connector.findTicketByOp(op.opId);
        const fields = createPayloadToSync(this.db, op.payload);
        if (!serverId) serverId = (await connector.createTicket(op.opId, fields)).serverId;
        const sid = serverId;
        const rebase = await this.serverSideEffects(connector, sid, fields);
        // Changes of this ticket may run before the done marks commit: they read this too.
        if (Object.keys(rebase).length) this.createdRebase.set(op.ticketId, rebase);
        return {
          serverId: sid,
          finalize: () => {
            if (!this.db.prepare('SELECT 1 FROM tickets WHERE id = ?').get(op.ticketId)) return;
            const other = ticketByServerId(this.db, sid);
            if (other && other !== op.ticketId) return;
            setServerId(this.db, op.ticketId, sid);
            this.noteUnsent(connector, op.ticketId, fields);
            this.rebaseWaiting(op.ticketId, op.seq, rebase);
          },
        };
      }
      case 'followup.create': {
        if (MIRROR_KINDS.has(op.payload.kind)) return null;
        const serverId = await this.requireServerId(op.ticketId);
        const existing = this.db.prepare('SELECT server_id FROM followups WHERE id = ?').get(op.payload.id) as { server_id: string | null } | undefined;
        if (existing?.server_id) return null;
        // The call that opened the ticket is the ticket's creation content on the server (one
        // server object per timeline entry): it is linked to the creation, not sent again.
        if (this.isCreationContent(op)) {
          const createdAs = creationEntryId(serverId);
          return { finalize: () => void this.db.prepare('UPDATE followups SET server_id = ? WHERE id = ?').run(createdAs, op.payload.id) };
        }
        // A call linked under an "incident majeur": the server links the tickets too (RT MemberOf),
        // once the parent is there; the note below says so on the timeline as everywhere else.
        const linkData = op.payload.kind === 'link' ? (op.payload.data as { role?: string; parentTicketId?: string } | null) : null;
        if (linkData?.role === 'child' && linkData.parentTicketId && connector.linkParent) {
          const parentSid = this.serverIdOf(linkData.parentTicketId);
          if (!parentSid) throw new SyncError('conflict', 'waiting for the parent ticket to reach the server before linking');
          await connector.linkParent(serverId, parentSid);
        }
        let fid: string | null = null;
        if (op.attempts > 0) fid = await connector.findFollowupByOp(serverId, op.opId);
        if (!fid) {
          const body = op.payload.kind === 'call' || op.payload.kind === 'note' || op.payload.kind === 'solution' ? op.payload.body : `[${op.payload.kind}] ${op.payload.body}`;
          const status = op.payload.private ? undefined : this.statusAfter(op);
          fid = (await connector.addFollowup(serverId, op.opId, { body, private: op.payload.private, author: op.payload.author, kind: op.payload.kind, ...(status !== undefined ? { status } : {}) })).serverId;
        }
        const f = fid;
        return f ? { finalize: () => void this.db.prepare('UPDATE followups SET server_id = ? WHERE id = ?').run(f, op.payload.id) } : null;
      }
      case 'ticket.update': {
        const sent = await this.pushUpdate(connector, op);
        return sent ? { finalize: () => this.noteUnsent(connector, op.ticketId, sent) } : null;
      }
    }
  }

  /** The values the server gave, on its own, to fields it may set at creation (`createSideEffects`). */
  /** Per ticket, the server's own values right after our create (see `serverSideEffects`). */
  private readonly createdRebase = new Map<string, Partial<Record<SyncField, { sent: unknown; server: unknown }>>>();

  private async serverSideEffects(connector: Connector, serverId: string, sent: SyncFields): Promise<Partial<Record<SyncField, { sent: unknown; server: unknown }>>> {
    const fields = connector.createSideEffects ?? [];
    if (fields.length === 0) return {};
    const got = await connector.getTicket(serverId);
    if (got.state !== 'found') return {};
    const out: Partial<Record<SyncField, { sent: unknown; server: unknown }>> = {};
    for (const f of fields) {
      const server = got.ticket.fields[f];
      if (server !== undefined && server !== sent[f]) out[f] = { sent: sent[f], server };
    }
    return out;
  }

  /** Changes still waiting on this ticket start from the server's own value, not from what we sent. */
  private rebaseWaiting(ticketId: string, afterSeq: number, rebase: Partial<Record<SyncField, { sent: unknown; server: unknown }>>) {
    const entries = Object.entries(rebase) as [SyncField, { sent: unknown; server: unknown }][];
    if (entries.length === 0) return;
    const waiting = this.db
      .prepare("SELECT seq, base FROM outbox WHERE ticket_id = ? AND seq > ? AND kind = 'ticket.update' AND state IN ('pending', 'parked')")
      .all(ticketId, afterSeq) as { seq: number; base: string | null }[];
    const write = this.db.prepare('UPDATE outbox SET base = ? WHERE seq = ?');
    for (const w of waiting) {
      const base = safeJson(w.base);
      if (!base) continue;
      let changed = false;
      for (const [f, v] of entries) {
        if (f in base && base[f] === v.sent) {
          base[f] = v.server;
          changed = true;
        }
      }
      if (changed) write.run(JSON.stringify(base), w.seq);
    }
  }

  /**
   * The ticket's status as the operator left it at this op: the base of the next status change
   * still waiting, else the local status. A reply must not leave the server with another one.
   */
  private statusAfter(op: OutboxRow): number | undefined {
    const later = this.db
      .prepare("SELECT base FROM outbox WHERE ticket_id = ? AND seq > ? AND kind = 'ticket.update' AND state IN ('pending', 'parked') ORDER BY seq")
      .all(op.ticketId, op.seq) as { base: string | null }[];
    for (const l of later) {
      const base = safeJson(l.base);
      if (base && typeof base.status === 'number') return base.status;
    }
    const row = this.db.prepare('SELECT status FROM tickets WHERE id = ?').get(op.ticketId) as { status: number } | undefined;
    return row?.status;
  }

  /**
   * The "call" entry logged with the ticket (same time, same text as the description), or a
   * solution "au téléphone" that only repeats the description: both are the creation's content.
   */
  private isCreationContent(op: Extract<OutboxRow, { kind: 'followup.create' }>): boolean {
    const kind = op.payload.kind;
    if (kind !== 'call' && kind !== 'solution') return false;
    const row = this.db.prepare("SELECT payload FROM outbox WHERE ticket_id = ? AND kind = 'ticket.create' ORDER BY seq LIMIT 1").get(op.ticketId) as { payload: string } | undefined;
    const create = safeJson(row?.payload ?? null);
    if (!create || create.createdAt !== op.payload.createdAt) return false;
    return op.payload.body === create.description;
  }

  private async requireServerId(ticketId: string): Promise<string> {
    const sid = this.serverIdOf(ticketId);
    if (sid) return sid;
    // FIFO per ticket makes this rare: the create was discarded or the ticket is unknown.
    throw new SyncError('rejected', 'the ticket does not exist on the server yet (its creation was not sent): retry after it is created, or discard this change');
  }

  /**
   * Fields the server could not store become a warning on the ticket (code + params, worded
   * by the renderer); fields that went through clear it. Runs in the "done" transaction.
   */
  private noteUnsent(connector: Connector, ticketId: string, sent: Partial<SyncFields>) {
    const unsent = new Set(connector.unsentFields?.(sent) ?? []);
    const row = this.db.prepare("SELECT params FROM sync_warnings WHERE ticket_id = ? AND code = 'sync.fieldsNotSent'").get(ticketId) as { params: string } | undefined;
    const before = new Set<string>(row ? ((safeJson(row.params)?.fields as string[] | undefined) ?? []) : []);
    for (const f of Object.keys(sent)) if (!unsent.has(f as SyncField)) before.delete(f);
    for (const f of unsent) before.add(f);
    if (!before.size) this.db.prepare("DELETE FROM sync_warnings WHERE ticket_id = ? AND code = 'sync.fieldsNotSent'").run(ticketId);
    else
      this.db
        .prepare("INSERT INTO sync_warnings (ticket_id, code, params, at) VALUES (?, 'sync.fieldsNotSent', ?, ?) ON CONFLICT(ticket_id, code) DO UPDATE SET params = excluded.params, at = excluded.at")
        .run(ticketId, JSON.stringify({ fields: [...before] }), this.o.now().toISOString());
  }

  private async pushUpdate(connector: Connector, op: Extract<OutboxRow, { kind: 'ticket.update' }>): Promise<Partial<SyncFields> | null> {
    const norm = (f: SyncField, v: unknown) => (this.o.normalize ? this.o.normalize(f, v) : v) ?? null;
    const changes = changesToSync(this.db, op.payload.changes);
    const base = changesToSync(this.db, op.base ?? {});
    for (const [f, v] of Object.entries(this.createdRebase.get(op.ticketId) ?? {}) as [SyncField, { sent: unknown; server: unknown }][]) {
      if (f in base && base[f] === v.sent) (base as Record<string, unknown>)[f] = v.server;
    }
    if (!Object.keys(changes).length) return null;
    let serverId = await this.requireServerId(op.ticketId);
    for (let attempt = 0; attempt < 4; attempt++) {
      const look = await connector.getTicket(serverId);
      if (look.state === 'merged') {
        this.reconcileMerged(op.ticketId, look.into);
        serverId = look.into;
        continue;
      }
      if (look.state === 'gone') throw new SyncError('rejected', 'the ticket was deleted on the server: this change cannot be applied there');
      const theirs = look.ticket.fields;
      const send: Partial<SyncFields> = {};
      const conflicts: { field: SyncField; base: unknown; ours: unknown; theirs: unknown }[] = [];
      for (const [f, ours] of Object.entries(changes) as [SyncField, unknown][]) {
        if (!(f in theirs)) {
          (send as Record<string, unknown>)[f] = ours;
          continue;
        }
        const t = norm(f, theirs[f]);
        // Already there (e.g. a retry after a lost response): exact equality, so 3 is still sent
        // over a server's 2 when the server can keep the difference (RT's RelaisStatus field).
        if ((theirs[f] ?? null) === (ours ?? null)) continue;
        if (!(f in base) || t === norm(f, base[f])) (send as Record<string, unknown>)[f] = ours;
        else conflicts.push({ field: f, base: base[f] ?? null, ours, theirs: theirs[f] ?? null });
      }
      if (conflicts.length) this.recordConflicts(op, conflicts);
      if (!Object.keys(send).length) return null;
      try {
        await connector.updateTicket(serverId, send, look.ticket.etag);
        return send;
      } catch (err) {
        if (err instanceof SyncError && err.kind === 'conflict') continue; // moved on meanwhile: merge again
        throw err;
      }
    }
    throw new SyncError('conflict', 'the ticket keeps changing on the server; will retry');
  }

  private recordConflicts(op: OutboxRow, list: { field: SyncField; base: unknown; ours: unknown; theirs: unknown }[]) {
    const ins = this.db.prepare('INSERT INTO sync_conflicts (ticket_id, op_id, field, base_value, local_value, server_value, detected_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
    const now = this.o.now().toISOString();
    this.db.transaction(() => {
      for (const c of list) {
        const open = this.db.prepare('SELECT id FROM sync_conflicts WHERE ticket_id = ? AND field = ? AND resolved_at IS NULL').get(op.ticketId, c.field) as { id: number } | undefined;
        if (open) this.db.prepare('UPDATE sync_conflicts SET op_id = ?, local_value = ?, server_value = ?, detected_at = ? WHERE id = ?').run(op.opId, JSON.stringify(c.ours), JSON.stringify(c.theirs), now, open.id);
        else ins.run(op.ticketId, op.opId, c.field, JSON.stringify(c.base), JSON.stringify(c.ours), JSON.stringify(c.theirs), now);
      }
    })();
    this.log('info', `conflict on ticket ${op.ticketId}: ${list.map((c) => c.field).join(', ')}`);
    this.o.onTicketsChanged?.([op.ticketId]);
  }

  // ---- pull -----------------------------------------------------------------------------

  async pull(): Promise<boolean> {
    const connector = this.connector;
    if (!connector) return false;
    const watermark = this.getState('watermark');
    const initial = watermark === null;
    const overlap = (this.o.overlapSec ?? 120) * 1000;
    const since = initial ? null : new Date(Date.parse(watermark) - overlap).toISOString();
    const pageSize = this.o.pageSize ?? 100;
    let maxSeen = watermark;
    let done = 0;
    const changedTickets: { ticketId: string; serverId: string }[] = [];
    const changedIds = new Set<string>();
    const normalize = (f: SyncField, v: unknown) => (this.o.normalize ? this.o.normalize(f, v) : v);
    const createdBy = `sync:${connector.kind}`;
    const markPartial = this.db.prepare('INSERT OR IGNORE INTO sync_partial_history (ticket_id, server_id) VALUES (?, ?)');
    const applyPage = (res: TicketPage) => {
      this.markAnswered();
      const apply = this.db.transaction(() => {
        for (const raw of res.items) {
          let t;
          try {
            if (raw && typeof raw === 'object' && '__invalidUtf8' in raw) throw new BadDataError('invalid UTF-8 in the ticket text', String((raw as { id?: unknown }).id ?? '') || null);
            t = connector.parseTicket(raw);
          } catch (err) {
            if (err instanceof BadDataError) {
              this.skip(err.serverId, err.reason);
              continue;
            }
            throw err;
          }
          if (t.deleted) {
            this.reconcileGone(t.serverId);
            continue;
          }
          const r = upsertRemoteTicket(this.db, t, { createdBy, normalize, localOpTicket: (opId) => this.localOpTicket(opId) });
          // The first pull brings the queue fast; older follow-ups come when the ticket is opened.
          if (r.created && this.o.pullFollowups !== false) markPartial.run(r.ticketId, t.serverId);
          if (r.changed) changedIds.add(r.ticketId);
          // A follow-up added on the server moves only its ticket's version (GLPI date_mod): fetch for every move.
          if (!r.created && (r.changed || r.moved)) changedTickets.push({ ticketId: r.ticketId, serverId: t.serverId });
          if (!maxSeen || t.updatedAt > maxSeen) maxSeen = t.updatedAt;
        }
      });
      apply();
      done += res.items.length;
      this.o.onProgress?.({ phase: 'pull', done, total: res.total ?? null });
    };
    const first = await connector.listTickets(since, 1, pageSize);
    applyPage(first);
    if (first.hasMore && first.items.length > 0) {
      if (first.total !== null) {
        // The total is known: the remaining pages are fetched in parallel (the server's
        // rendering, not the local store, is the slow part) and applied as they arrive.
        const pages = Math.ceil(first.total / first.items.length);
        let next = 2;
        const worker = async () => {
          while (next <= pages) {
            const res = await connector.listTickets(since, next++, pageSize);
            applyPage(res);
          }
        };
        await Promise.all(Array.from({ length: this.parallelism }, worker));
      } else {
        for (let page = 2; page < 100_000; page++) {
          const res = await connector.listTickets(since, page, pageSize);
          applyPage(res);
          if (!res.hasMore || res.items.length === 0) break;
        }
      }
    }
    // Follow-ups of tickets that changed (incremental syncs only; the first sync brings the queue).
    if (!initial && this.o.pullFollowups !== false && changedTickets.length) {
      let i = 0;
      const worker = async () => {
        while (i < changedTickets.length) {
          const c = changedTickets[i++]!;
          try {
            const items = await connector.listFollowups(c.serverId);
            const n = this.db.transaction(() => {
              this.db.prepare('DELETE FROM sync_partial_history WHERE ticket_id = ?').run(c.ticketId);
              return upsertRemoteFollowups(this.db, c.ticketId, items, (opId) => this.localOpFollowup(opId));
            })();
            if (n) changedIds.add(c.ticketId);
          } catch (err) {
            if (err instanceof BadDataError) this.skip(c.serverId, err.reason);
            else throw err;
          }
        }
      };
      await Promise.all(Array.from({ length: this.parallelism }, worker));
    }
    this.setState('watermark', maxSeen ?? new Date(0).toISOString());
    if (changedIds.size) this.o.onTicketsChanged?.([...changedIds]);
    return true;
  }

  /** Whether a ticket's older follow-ups are still on the server only ("historique partiel"). */
  historyPartial(ticketId: string): boolean {
    return !!this.db.prepare('SELECT 1 FROM sync_partial_history WHERE ticket_id = ?').get(ticketId);
  }

  private readonly loadingHistory = new Map<string, Promise<number>>();
  /** Fetches a ticket's whole timeline from the server once (on opening it); returns how many entries arrived. */
  loadHistory(ticketId: string): Promise<number> {
    const connector = this.connector;
    const row = this.db.prepare('SELECT server_id FROM sync_partial_history WHERE ticket_id = ?').get(ticketId) as { server_id: string } | undefined;
    if (!connector || !row) return Promise.resolve(0);
    const running = this.loadingHistory.get(ticketId);
    if (running) return running;
    const p = (async () => {
      try {
        const items = await connector.listFollowups(row.server_id);
        this.markAnswered();
        const n = this.db.transaction(() => {
          this.db.prepare('DELETE FROM sync_partial_history WHERE ticket_id = ?').run(ticketId);
          return upsertRemoteFollowups(this.db, ticketId, items, (opId) => this.localOpFollowup(opId));
        })();
        this.o.onTicketsChanged?.([ticketId]);
        return n;
      } finally {
        this.loadingHistory.delete(ticketId);
      }
    })();
    this.loadingHistory.set(ticketId, p);
    return p;
  }

  private localOpTicket(opId: string): string | null {
    return (this.db.prepare("SELECT ticket_id FROM outbox WHERE op_id = ? AND kind = 'ticket.create'").get(opId) as { ticket_id: string } | undefined)?.ticket_id ?? null;
  }
  private localOpFollowup(opId: string): string | null {
    const row = this.db.prepare("SELECT payload FROM outbox WHERE op_id = ? AND kind = 'followup.create'").get(opId) as { payload: string } | undefined;
    if (!row) return null;
    try {
      return (JSON.parse(row.payload) as { id?: string }).id ?? null;
    } catch {
      return null;
    }
  }

  private skip(serverId: string | null, reason: string) {
    this.db.prepare('INSERT INTO sync_skipped (server_id, reason, at) VALUES (?, ?, ?)').run(serverId, reason.slice(0, 500), this.o.now().toISOString());
    this.log('warn', `skipped server ticket ${serverId ?? '?'}: ${reason}`);
  }

  // ---- reconciliation (deletions, merges) ----------------------------------------------

  /** Compares local server ids with the server's list; deleted and merged tickets are reconciled. */
  async reconcile(): Promise<{ deleted: number; merged: number }> {
    const connector = this.connector;
    if (!connector) return { deleted: 0, merged: 0 };
    const ids = new Set(await connector.listAllIds());
    const local = this.db.prepare('SELECT id, server_id FROM tickets WHERE server_id IS NOT NULL').all() as { id: string; server_id: string }[];
    let deleted = 0;
    let merged = 0;
    for (const l of local) {
      if (ids.has(l.server_id)) continue;
      const look = await connector.getTicket(l.server_id);
      if (look.state === 'gone') {
        if (this.reconcileGone(l.server_id)) deleted++;
      } else if (look.state === 'merged') {
        this.reconcileMerged(l.id, look.into);
        merged++;
      }
    }
    this.emitStatus();
    return { deleted, merged };
  }

  /** Deleted on the server: removed locally unless local changes wait (those are parked). */
  private reconcileGone(serverId: string): boolean {
    const ticketId = ticketByServerId(this.db, serverId);
    if (!ticketId) return false;
    const waiting = this.db.prepare("SELECT COUNT(*) AS n FROM outbox WHERE ticket_id = ? AND state IN ('pending', 'parked')").get(ticketId) as { n: number };
    if (waiting.n > 0) {
      this.db
        .prepare("UPDATE outbox SET state = 'parked', last_error = ? WHERE ticket_id = ? AND state = 'pending'")
        .run(JSON.stringify({ kind: 'rejected', status: 404, message: 'the ticket was deleted on the server' } satisfies ParkedError), ticketId);
      return false;
    }
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM followups WHERE ticket_id = ?').run(ticketId);
      this.db.prepare('DELETE FROM ticket_assets WHERE ticket_id = ?').run(ticketId);
      this.db.prepare('DELETE FROM sync_tickets WHERE ticket_id = ?').run(ticketId);
      this.db.prepare('DELETE FROM sync_conflicts WHERE ticket_id = ?').run(ticketId);
      this.db.prepare('DELETE FROM sync_warnings WHERE ticket_id = ?').run(ticketId);
      this.db.prepare('DELETE FROM sync_partial_history WHERE ticket_id = ?').run(ticketId);
      this.db.prepare('DELETE FROM tickets WHERE id = ?').run(ticketId);
    })();
    this.o.onTicketsChanged?.([ticketId]);
    return true;
  }

  /** Merged into another server ticket: the timeline and waiting ops move to it. */
  private reconcileMerged(ticketId: string, intoServerId: string) {
    const target = ticketByServerId(this.db, intoServerId);
    this.db.transaction(() => {
      if (!target) {
        this.db.prepare('UPDATE tickets SET server_id = NULL WHERE id = ?').run(ticketId);
        setServerId(this.db, ticketId, intoServerId);
        return;
      }
      if (target === ticketId) return;
      this.db.prepare('UPDATE followups SET ticket_id = ? WHERE ticket_id = ?').run(target, ticketId);
      this.db.prepare('INSERT OR IGNORE INTO ticket_assets (ticket_id, asset_id) SELECT ?, asset_id FROM ticket_assets WHERE ticket_id = ?').run(target, ticketId);
      this.db.prepare('DELETE FROM ticket_assets WHERE ticket_id = ?').run(ticketId);
      this.db.prepare("UPDATE outbox SET ticket_id = ? WHERE ticket_id = ? AND state != 'done'").run(target, ticketId);
      this.db.prepare('UPDATE sync_conflicts SET ticket_id = ? WHERE ticket_id = ?').run(target, ticketId);
      this.db.prepare('DELETE FROM sync_tickets WHERE ticket_id = ?').run(ticketId);
      this.db.prepare('DELETE FROM sync_warnings WHERE ticket_id = ?').run(ticketId);
      this.db.prepare('DELETE FROM sync_partial_history WHERE ticket_id = ?').run(ticketId);
      this.db.prepare('DELETE FROM tickets WHERE id = ?').run(ticketId);
    })();
    this.o.onTicketsChanged?.(target ? [ticketId, target] : [ticketId]);
  }

  // ---- parked ops and conflicts -----------------------------------------------------------

  retryParked(filter: { opId?: string; kind?: string } = {}): number {
    const rows = this.db.prepare("SELECT seq, op_id, last_error FROM outbox WHERE state = 'parked'").all() as { seq: number; op_id: string; last_error: string | null }[];
    let n = 0;
    for (const r of rows) {
      if (filter.opId && r.op_id !== filter.opId) continue;
      if (filter.kind) {
        const k = safeParse(r.last_error)?.kind;
        if (k !== filter.kind) continue;
      }
      this.db.prepare("UPDATE outbox SET state = 'pending', next_attempt_at = NULL WHERE seq = ?").run(r.seq);
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
    const rows = this.db.prepare("SELECT seq, last_error FROM outbox WHERE state = 'parked'").all() as { seq: number; last_error: string | null }[];
    const retry = this.db.prepare("UPDATE outbox SET state = 'pending', next_attempt_at = NULL WHERE seq = ?");
    let n = 0;
    this.db.transaction(() => {
      for (const r of rows) {
        const e = safeParse(r.last_error);
        const byCredentials = e?.kind === 'auth' || e?.status === 401 || e?.status === 403;
        const byServer = byCredentials || e?.kind === 'transient' || e?.kind === 'notFound' || e?.status === null || e?.status === 404 || e?.status === 405 || (e?.status !== undefined && e.status >= 300 && e.status < 400);
        if (change === 'credentials' ? !byCredentials : !byServer) continue;
        retry.run(r.seq);
        n++;
      }
    })();
    if (n) this.authRefused = false;
    this.emitStatus();
    return n;
  }

  /** Local values of a ticket in sync vocabulary (for conflict resolution). */
  localFields(ticketId: string) {
    return localFields(this.db, ticketId);
  }
}

/** The local link of a timeline entry that is the server ticket's creation content. */
export const creationEntryId = (serverTicketId: string) => `create:${serverTicketId}`;

function safeJson(s: string | null): Record<string, unknown> | null {
  if (!s) return null;
  try {
    const v = JSON.parse(s) as unknown;
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export function safeParse(s: string | null): ParkedError | null {
  if (!s) return null;
  try {
    return JSON.parse(s) as ParkedError;
  } catch {
    return null;
  }
}
