/**
 * Sync test harness: a real core (SQLite store, migrations, vault) with the sync feature,
 * and helpers that write local changes exactly as the tickets feature does (the change
 * and its outbox row in one transaction, `src/features/tickets/outbox.ts` format).
 */
import { poll } from './poll';
import { v7 as uuidv7 } from 'uuid';
import { createCore, type Core } from '../../src/api/core';
import { createSecurityFeature } from '../../src/api/handlers/security';
import { createSyncFeature, type SyncFeatureOptions } from '../../src/api/handlers/sync';
import { ticketReplicaPort } from '../../src/api/handlers/tickets';
import type { Db } from '../../src/features/schema/database';
import { writeOutbox } from '../../src/features/tickets/outbox';
import { makeTempDir } from './temp-dir';
import { createReferentials } from '../../src/features/tickets/referentials';

process.env.RELAIS_SYNC_QUIET = '1';

export interface Harness {
  core: Core;
  sync: ReturnType<typeof createSyncFeature>;
  security: ReturnType<typeof createSecurityFeature>;
  dataDir: string;
  events: { name: string; payload: unknown }[];
  dispose(): Promise<void>;
}

export async function makeHarness(options: SyncFeatureOptions = {}, clock?: () => Date): Promise<Harness> {
  const tmp = makeTempDir('relais-sync-');
  const core = createCore({ dataDir: tmp.dir, host: 'web', policyFile: null, ...(clock ? { clock } : {}) });
  const security = createSecurityFeature(core);
  const sync = createSyncFeature(core, { security, tickets: ticketReplicaPort(core), referentials: createReferentials(core.db, () => core.now()).port }, { background: false, ...options, engine: { backoffBaseMs: 100, backoffMaxMs: 1_500, ...options.engine } });
  const events: { name: string; payload: unknown }[] = [];
  core.events.subscribe((name, payload) => events.push({ name, payload }));
  return {
    core,
    sync,
    security,
    dataDir: tmp.dir,
    events,
    async dispose() {
      await core.close();
      tmp.cleanup();
    },
  };
}

const caller = { clientId: 'test' };
export const callOf = (h: Harness) => ({
  configure: (input: Parameters<Harness['sync']['handlers']['sync.configure']>[0]) => h.sync.handlers['sync.configure'](input, caller),
  ticket: (ticketId: string) => h.sync.handlers['sync.ticket']({ ticketId }, caller),
  resolve: (conflictId: number, keep: 'local' | 'server') => h.sync.handlers['sync.resolveConflict']({ conflictId, keep }, caller),
  retry: (opId: string) => h.sync.handlers['sync.retry']({ opId }, caller),
  discard: (opId: string) => h.sync.handlers['sync.discard']({ opId, confirm: true }, caller),
  test: (input?: Parameters<Harness['sync']['handlers']['sync.test']>[0]) => h.sync.handlers['sync.test'](input, caller),
  status: () => h.sync.handlers['sync.status'](undefined, caller),
});

export interface LoggedCall {
  ticketId: string;
  createOp: string;
  followupIds: string[];
  followupOps: string[];
}

/** A hotline call logged offline: the ticket, its follow-ups, and their outbox rows. */
export function logCall(db: Db, opts: { subject: string; description?: string; followups?: string[]; team?: string | null; status?: number; priority?: number; now?: string }): LoggedCall {
  const now = opts.now ?? new Date().toISOString();
  const id = uuidv7();
  const team = opts.team === undefined ? 'Hotline' : opts.team;
  const teamId = team ? ((db.prepare('SELECT id FROM teams WHERE name = ?').get(team) as { id: string } | undefined)?.id ?? null) : null;
  const out: LoggedCall = { ticketId: id, createOp: '', followupIds: [], followupOps: [] };
  db.transaction(() => {
    db.prepare(
      `INSERT INTO tickets (id, type, status, subject, description, urgency, impact, priority, channel, requester_name, requester_phone, team_id, created_by, created_at, updated_at)
       VALUES (?, 'incident', ?, ?, ?, 3, 3, ?, 'phone', 'Agent Test', '0102030405', ?, 'hotline', ?, ?)`,
    ).run(id, opts.status ?? 1, opts.subject, opts.description ?? opts.subject, opts.priority ?? 3, teamId, now, now);
    const number = (db.prepare('SELECT number FROM tickets WHERE id = ?').get(id) as { number: number }).number;
    out.createOp = writeOutbox(
      db,
      {
        kind: 'ticket.create',
        ticketId: id,
        payload: {
          id,
          number,
          type: 'incident',
          status: opts.status ?? 1,
          subject: opts.subject,
          description: opts.description ?? opts.subject,
          urgency: 3,
          impact: 3,
          priority: opts.priority ?? 3,
          categoryId: null,
          categoryName: null,
          channel: 'phone',
          requesterId: null,
          requesterName: 'Agent Test',
          requesterPhone: '0102030405',
          teamId,
          teamName: team,
          technician: null,
          createdBy: 'hotline',
          createdAt: now,
          takenAt: null,
          resolvedAt: null,
          solution: null,
          ttoDue: null,
          ttrDue: null,
          assetIds: [],
        },
      },
      now,
    );
    for (const body of opts.followups ?? []) {
      const f = addFollowupRow(db, id, body, now);
      out.followupIds.push(f.id);
      out.followupOps.push(f.opId);
    }
  })();
  return out;
}

function addFollowupRow(db: Db, ticketId: string, body: string, now: string, isPrivate = true) {
  const fid = uuidv7();
  db.prepare('INSERT INTO followups (id, ticket_id, kind, author, created_at, body, private) VALUES (?, ?, ?, ?, ?, ?, ?)').run(fid, ticketId, 'note', 'hotline', now, body, isPrivate ? 1 : 0);
  const opId = writeOutbox(db, { kind: 'followup.create', ticketId, payload: { id: fid, ticketId, kind: 'note', author: 'hotline', createdAt: now, body, data: null, private: isPrivate } }, now);
  return { id: fid, opId };
}

export function addFollowup(db: Db, ticketId: string, body: string, isPrivate = true) {
  return db.transaction(() => addFollowupRow(db, ticketId, body, new Date().toISOString(), isPrivate))();
}

/** A local change of ticket fields (as the tickets feature records it). */
export function localUpdate(db: Db, ticketId: string, changes: Record<string, unknown>): string {
  return db.transaction(() => {
    const row = db.prepare('SELECT * FROM tickets WHERE id = ?').get(ticketId) as Record<string, unknown>;
    const base: Record<string, unknown> = {};
    const sets: string[] = [];
    const args: unknown[] = [];
    for (const [k, v] of Object.entries(changes)) {
      const col = { teamId: 'team_id', categoryId: 'category_id' }[k] ?? k;
      if (k === 'teamName') {
        base.teamName = row.team_id ? (db.prepare('SELECT name FROM teams WHERE id = ?').get(row.team_id) as { name: string }).name : null;
        continue;
      }
      base[k] = row[col];
      sets.push(`${col} = ?`);
      args.push(v);
    }
    if (sets.length) db.prepare(`UPDATE tickets SET ${sets.join(', ')} WHERE id = ?`).run(...args, ticketId);
    return writeOutbox(db, { kind: 'ticket.update', ticketId, payload: { changes }, base }, new Date().toISOString());
  })();
}

export async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs: number, what = 'condition'): Promise<void> {
  await poll(cond, Boolean, { timeoutMs, what, everyMs: 50 });
}

/** Runs sync until nothing is pending (parked ops excluded) or the deadline. */
export async function drainAll(h: Harness, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await h.sync.engine.sync({ pull: false });
    const s = h.sync.engine.status();
    // Pending ops queued behind a parked op of the same ticket wait for the technician.
    const runnable = (
      h.core.db
        .prepare(
          "SELECT COUNT(*) AS n FROM outbox o WHERE state = 'pending' AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.ticket_id = o.ticket_id AND p.state = 'parked' AND p.seq < o.seq)",
        )
        .get() as { n: number }
    ).n;
    if (runnable === 0) return;
    if (Date.now() > deadline) throw new Error(`outbox not drained: ${s.pending} pending, last error ${s.lastError}`);
    const next = h.core.db.prepare("SELECT MIN(next_attempt_at) AS t FROM outbox WHERE state = 'pending'").get() as { t: string | null };
    // The engine runs on the real clock here: wait until the next attempt is due (at most 1 s).
    const wait = next.t ? Math.max(20, Math.min(1_000, Date.parse(next.t) - Date.now())) : 20;
    await new Promise((r) => setTimeout(r, wait));
  }
}

export function outboxCounts(db: Db): Record<string, number> {
  const rows = db.prepare('SELECT state, COUNT(*) AS n FROM outbox GROUP BY state').all() as { state: string; n: number }[];
  return Object.fromEntries(rows.map((r) => [r.state, r.n]));
}
