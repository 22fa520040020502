/**
 * Pull: pages through tickets changed since the watermark (minus an overlap), oldest first;
 * upserts are idempotent (de-duplication by server id + server version); items that fail
 * validation are logged in `sync_skipped` and skipped. A ticket's older follow-ups come
 * when it is opened. Reconcile: deletions and merges, which "changed since" does not show,
 * found by comparing the server's id list with the local one.
 */
import type { StateStore } from './config';
import { SyncPart, type SyncPartContext } from './part';
import { setServerId, upsertRemoteFollowups, upsertRemoteTicket } from './local';
import { BadDataError, type Connector, type SyncField, type TicketPage } from './types';
import type { ParkedError } from './engine-types';

export interface PullContext extends SyncPartContext {
  state: StateStore;
}

export class Puller extends SyncPart<PullContext> {
  async pull(connector: Connector): Promise<boolean> {
    const watermark = this.ctx.state.getState('watermark');
    const initial = watermark === null;
    const overlap = (this.o.overlapSec ?? 120) * 1000;
    const since = initial ? null : new Date(Date.parse(watermark) - overlap).toISOString();
    // Same-second changes: a ticket can hide one only if the last pull read it in the second of
    // its date, i.e. no earlier than (newest date seen − that pull's duration − 1 s). Those are re-compared.
    const pullStarted = this.o.now().getTime();
    const recheckFrom = initial ? null : new Date(Date.parse(watermark) - Number(this.ctx.state.getState('pullSpanMs') ?? 0) - 1000).toISOString();
    const pageSize = this.o.pageSize ?? 100;
    let maxSeen = watermark;
    let done = 0;
    const changedTickets: { ticketId: string; serverId: string }[] = [];
    const changedIds = new Set<string>();
    const normalize = (f: SyncField, v: unknown) => (this.o.normalize ? this.o.normalize(f, v) : v);
    const createdBy = `sync:${connector.kind}`;
    const markPartial = this.db.prepare('INSERT OR IGNORE INTO sync_partial_history (ticket_id, server_id) VALUES (?, ?)');
    const applyPage = (res: TicketPage) => {
      this.health.markAnswered();
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
          const recheck = recheckFrom !== null && t.updatedAt >= recheckFrom;
          const r = upsertRemoteTicket(this.db, this.tickets, t, { createdBy, normalize, localOpTicket: (opId) => this.localOpTicket(opId), recheck });
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
              return upsertRemoteFollowups(this.tickets, c.ticketId, items, (opId) => this.localOpFollowup(opId));
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
    this.ctx.state.setState('watermark', maxSeen ?? new Date(0).toISOString());
    this.ctx.state.setState('pullSpanMs', String(Math.max(0, this.o.now().getTime() - pullStarted)));
    if (changedIds.size) this.o.onTicketsChanged?.([...changedIds]);
    return true;
  }

  /** Whether a ticket's older follow-ups are still on the server only ("historique partiel"). */
  historyPartial(ticketId: string): boolean {
    return !!this.db.prepare('SELECT 1 FROM sync_partial_history WHERE ticket_id = ?').get(ticketId);
  }

  private readonly loadingHistory = new Map<string, Promise<number>>();
  /** Fetches a ticket's whole timeline from the server once (on opening it); returns how many entries arrived. */
  loadHistory(connector: Connector | null, ticketId: string): Promise<number> {
    const row = this.db.prepare('SELECT server_id FROM sync_partial_history WHERE ticket_id = ?').get(ticketId) as { server_id: string } | undefined;
    if (!connector || !row) return Promise.resolve(0);
    const running = this.loadingHistory.get(ticketId);
    if (running) return running;
    const p = (async () => {
      try {
        const items = await connector.listFollowups(row.server_id);
        this.health.markAnswered();
        const n = this.db.transaction(() => {
          this.db.prepare('DELETE FROM sync_partial_history WHERE ticket_id = ?').run(ticketId);
          return upsertRemoteFollowups(this.tickets, ticketId, items, (opId) => this.localOpFollowup(opId));
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
    this.ctx.log('warn', `skipped server ticket ${serverId ?? '?'}: ${reason}`);
  }

  // ---- reconciliation (deletions, merges) ----------------------------------------------

  /** Compares local server ids with the server's list; deleted and merged tickets are reconciled. */
  async reconcile(connector: Connector): Promise<{ deleted: number; merged: number }> {
    const ids = new Set(await connector.listAllIds());
    const local = this.tickets.linked();
    let deleted = 0;
    let merged = 0;
    for (const l of local) {
      if (ids.has(l.serverId)) continue;
      const look = await connector.getTicket(l.serverId);
      if (look.state === 'gone') {
        if (this.reconcileGone(l.serverId)) deleted++;
      } else if (look.state === 'merged') {
        this.reconcileMerged(l.id, look.into);
        merged++;
      }
    }
    this.ctx.emitStatus();
    return { deleted, merged };
  }

  /** Deleted on the server: removed locally unless local changes wait (those are parked). */
  private reconcileGone(serverId: string): boolean {
    const ticketId = this.tickets.byServerId(serverId);
    if (!ticketId) return false;
    const waiting = this.db.prepare("SELECT COUNT(*) AS n FROM outbox WHERE ticket_id = ? AND state IN ('pending', 'parked')").get(ticketId) as { n: number };
    if (waiting.n > 0) {
      this.db
        .prepare("UPDATE outbox SET state = 'parked', last_error = ? WHERE ticket_id = ? AND state = 'pending'")
        .run(JSON.stringify({ kind: 'rejected', status: 404, message: 'the ticket was deleted on the server' } satisfies ParkedError), ticketId);
      return false;
    }
    this.db.transaction(() => {
      this.forgetSyncRows(ticketId);
      this.db.prepare('DELETE FROM sync_conflicts WHERE ticket_id = ?').run(ticketId);
      this.tickets.remove(ticketId);
    })();
    this.o.onTicketsChanged?.([ticketId]);
    return true;
  }

  /** Merged into another server ticket: the timeline and waiting ops move to it. */
  reconcileMerged(ticketId: string, intoServerId: string) {
    const target = this.tickets.byServerId(intoServerId);
    this.db.transaction(() => {
      if (!target) {
        this.tickets.setServerId(ticketId, null);
        setServerId(this.db, this.tickets, ticketId, intoServerId);
        return;
      }
      if (target === ticketId) return;
      this.db.prepare("UPDATE outbox SET ticket_id = ? WHERE ticket_id = ? AND state != 'done'").run(target, ticketId);
      this.db.prepare('UPDATE sync_conflicts SET ticket_id = ? WHERE ticket_id = ?').run(target, ticketId);
      this.forgetSyncRows(ticketId);
      this.tickets.mergeInto(ticketId, target);
    })();
    this.o.onTicketsChanged?.(target ? [ticketId, target] : [ticketId]);
  }

  /** Sync's own rows about a ticket that is going away locally (conflicts are moved or deleted by the caller). */
  private forgetSyncRows(ticketId: string) {
    this.db.prepare('DELETE FROM sync_tickets WHERE ticket_id = ?').run(ticketId);
    this.db.prepare('DELETE FROM sync_warnings WHERE ticket_id = ?').run(ticketId);
    this.db.prepare('DELETE FROM sync_partial_history WHERE ticket_id = ?').run(ticketId);
  }
}
