/**
 * Push: drains the outbox FIFO per ticket and in parallel across tickets (up to
 * `parallelism`). Before each attempt the row's `attempts` is incremented durably; a create
 * whose previous attempt may have reached the server (attempts > 0) first looks for its
 * operation UUID on the server, so a lost response never makes a duplicate.
 * Errors: transient (network, timeout, 5xx, 429) → retried with exponential backoff and
 * jitter; auth → the credentials are re-read once, then the op is parked; rejected (4xx
 * validation / rights) → parked as "à traiter" with the server's message.
 * Updates: the three-way merge (`merge.ts`) against the op's base; a field changed on both
 * sides becomes a conflict for the technician (never overwritten); the rest goes with If-Match.
 */
import type { OutboxRow } from '../tickets/outbox';
import type { BatchCommitter } from './committer';
import { SyncPart, type SyncPartContext } from './part';
import { changesToSync, createPayloadToSync, readTicketOps, setServerId, noteServerNotices } from './local';
import { threeWayMerge, type FieldConflict } from './merge';
import { BadDataError, SyncError, type Connector, type SyncField, type SyncFields, type SyncNotice } from './types';
import { creationEntryId, safeJson, type ParkedError } from './engine-types';

/** Follow-up kinds that only mirror a ticket.update already in the outbox (timeline history). */
const MIRROR_KINDS = new Set(['status', 'assign', 'created', 'edit', 'rules']);

export interface PushContext extends SyncPartContext {
  committer: BatchCommitter;
  pendingCount(): number;
  /** The server merged the ticket into another: the pull side moves it locally. */
  reconcileMerged(ticketId: string, intoServerId: string): void;
}

export class Pusher extends SyncPart<PushContext> {
  private readonly committer: BatchCommitter;
  /**
   * Ops whose `attempts` this process incremented but which were never sent: their first
   * send needs no search on the server. After a crash this set is empty, so every op with
   * attempts > 0 is searched for before being sent again (never a duplicate).
   */
  private readonly fresh = new Set<number>();

  constructor(ctx: PushContext) {
    super(ctx);
    this.committer = ctx.committer;
  }

  private serverIdOf(ticketId: string): string | null {
    return this.committer.pendingServerId(ticketId) ?? this.tickets.serverIdOf(ticketId);
  }

  /** Drains what is due. Returns false when something failed (retry scheduled or parked). */
  async push(connector: Connector): Promise<boolean> {
    let allOk = true;
    const claimed = new Set<string>();
    const nowIso = () => this.o.now().toISOString();
    /** The first op of a ticket not done yet, when it can run now. */
    const headOp = (ticketId: string): OutboxRow | null => {
      const op = readTicketOps(this.db, ticketId).find((r) => !this.committer.isDone(r.seq));
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
          if (this.fresh.has(r.seq) || this.committer.isDone(r.seq)) continue;
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
    const pendingTotal = this.ctx.pendingCount();
    let done = 0;
    const worker = async () => {
      let cur = pick(null);
      while (cur) {
        const { ticketId, op } = cur;
        if (!this.fresh.has(op.seq)) {
          // Arrived after the bulk claim, or retried: mark it before sending (durable).
          await this.committer.commit(() => this.db.prepare('UPDATE outbox SET attempts = attempts + 1 WHERE seq = ?').run(op.seq));
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
          this.committer.done({ seq: op.seq, ticketId, finalize: result.finalize, serverId: result.serverId });
          cur = pick(ticketId);
        } else {
          allOk = false;
          await this.committer.commit(() => this.fail(op, result.error));
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
      await this.committer.settle();
      if (done === before) break;
      if (this.ctx.pendingCount() === 0) break;
    }
    this.ctx.emitStatus();
    return allOk;
  }

  /** Sends one op (re-authenticating once on an auth failure); the local writes are returned, not made. */
  private async attempt(connector: Connector, op: OutboxRow): Promise<{ ok: true; finalize: () => void; serverId: string | null } | { ok: false; error: unknown }> {
    let reauthed = false;
    for (;;) {
      try {
        const r = await this.apply(connector, op);
        this.health.markAnswered();
        return { ok: true, finalize: r?.finalize ?? (() => {}), serverId: r?.serverId ?? null };
      } catch (err) {
        if (err instanceof SyncError && err.kind === 'auth' && !reauthed) {
          reauthed = true;
          // A failed re-authentication shows in the retried request's own error.
          await connector.reauth?.().catch(() => {});
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
      if (e.kind === 'transient') this.health.markUnreachable();
      else this.health.markAnswered();
      this.health.lastError = e.serverMessage;
      return;
    }
    // auth (after one re-auth), rejected, notFound: "à traiter" with the server's message.
    this.db.prepare("UPDATE outbox SET state = 'parked', next_attempt_at = NULL, last_error = ? WHERE seq = ?").run(
      JSON.stringify({ kind: e.kind, status: e.status, message: e.serverMessage } satisfies ParkedError),
      op.seq,
    );
    if (e.kind === 'auth') this.health.markAuthRefused();
    else this.health.markAnswered();
    this.health.lastError = e.serverMessage;
    this.ctx.log('warn', `operation ${op.opId} (${op.kind}) parked: ${e.serverMessage}`);
    this.o.onTicketsChanged?.([op.ticketId]);
  }

  /** Sends one op; returns the local writes to make once it is known to be on the server. */
  private async apply(connector: Connector, op: OutboxRow): Promise<{ finalize: () => void; serverId?: string } | null> {
    switch (op.kind) {
      case 'ticket.create': {
        if (this.serverIdOf(op.ticketId)) return null; // linked by a pull meanwhile
        let serverId: string | null = null;
        if (op.attempts > 0) serverId = await connector.findTicketByOp(op.opId);
        const fields = createPayloadToSync(this.tickets, op.payload);
        let notices: SyncNotice[] = [];
        if (!serverId) ({ serverId, notices = [] } = await connector.createTicket(op.opId, fields));
        const sid = serverId;
        const rebase = await this.serverSideEffects(connector, sid, fields);
        // Changes of this ticket may run before the done marks commit: they read this too.
        if (Object.keys(rebase).length) this.createdRebase.set(op.ticketId, rebase);
        return {
          serverId: sid,
          finalize: () => {
            if (!this.tickets.exists(op.ticketId)) return;
            const other = this.tickets.byServerId(sid);
            if (other && other !== op.ticketId) return;
            setServerId(this.db, this.tickets, op.ticketId, sid);
            this.noteUnsent(connector, op.ticketId, fields);
            noteServerNotices(this.db, op.ticketId, notices, this.o.now());
            this.rebaseWaiting(op.ticketId, op.seq, rebase);
          },
        };
      }
      case 'followup.create': {
        if (MIRROR_KINDS.has(op.payload.kind)) return null;
        const serverId = await this.requireServerId(op.ticketId);
        if (this.tickets.followupServerId(op.payload.id)) return null;
        // The call that opened the ticket is the ticket's creation content on the server (one
        // server object per timeline entry): it is linked to the creation, not sent again.
        if (this.isCreationContent(op)) {
          const createdAs = creationEntryId(serverId);
          return { finalize: () => this.tickets.linkFollowup(op.payload.id, createdAs) };
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
          // Private too: GLPI reopens a waiting ticket on any follow-up (RT only on a public reply).
          const status = this.statusAfter(op);
          fid = (await connector.addFollowup(serverId, op.opId, { body, private: op.payload.private, author: op.payload.author, kind: op.payload.kind, ...(status !== undefined ? { status } : {}) })).serverId;
        }
        const f = fid;
        return f ? { finalize: () => this.tickets.linkFollowup(op.payload.id, f) } : null;
      }
      case 'ticket.update': {
        const sent = await this.pushUpdate(connector, op);
        return sent ? { finalize: () => this.noteUnsent(connector, op.ticketId, sent) } : null;
      }
    }
  }

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
    return this.tickets.statusOf(op.ticketId);
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
    const changes = changesToSync(this.tickets, op.payload.changes);
    const base = changesToSync(this.tickets, op.base ?? {});
    for (const [f, v] of Object.entries(this.createdRebase.get(op.ticketId) ?? {}) as [SyncField, { sent: unknown; server: unknown }][]) {
      if (f in base && base[f] === v.sent) (base as Record<string, unknown>)[f] = v.server;
    }
    if (!Object.keys(changes).length) return null;
    let serverId = await this.requireServerId(op.ticketId);
    for (let attempt = 0; attempt < 4; attempt++) {
      const look = await connector.getTicket(serverId);
      if (look.state === 'merged') {
        this.ctx.reconcileMerged(op.ticketId, look.into);
        serverId = look.into;
        continue;
      }
      if (look.state === 'gone') throw new SyncError('rejected', 'the ticket was deleted on the server: this change cannot be applied there');
      const { send, conflicts } = threeWayMerge({ base, local: changes, server: look.ticket.fields, normalize: this.o.normalize });
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

  private recordConflicts(op: OutboxRow, list: FieldConflict[]) {
    const ins = this.db.prepare('INSERT INTO sync_conflicts (ticket_id, op_id, field, base_value, local_value, server_value, detected_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
    const now = this.o.now().toISOString();
    this.db.transaction(() => {
      for (const c of list) {
        const open = this.db.prepare('SELECT id FROM sync_conflicts WHERE ticket_id = ? AND field = ? AND resolved_at IS NULL').get(op.ticketId, c.field) as { id: number } | undefined;
        if (open) this.db.prepare('UPDATE sync_conflicts SET op_id = ?, local_value = ?, server_value = ?, detected_at = ? WHERE id = ?').run(op.opId, JSON.stringify(c.ours), JSON.stringify(c.theirs), now, open.id);
        else ins.run(op.ticketId, op.opId, c.field, JSON.stringify(c.base), JSON.stringify(c.ours), JSON.stringify(c.theirs), now);
      }
    })();
    this.ctx.log('info', `conflict on ticket ${op.ticketId}: ${list.map((c) => c.field).join(', ')}`);
    this.o.onTicketsChanged?.([op.ticketId]);
  }
}
