/**
 * Pull, conflicts, bad data and reconciliation against a real Request Tracker 5.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRt, type RtInstance } from '../../services/rt';
import { createRtConnector } from '../../../src/features/sync/connectors/rt';
import { BadDataError } from '../../../src/features/sync/types';
import { createServerTicket, rtFetch } from './rt-helpers';
import { addFollowup, callOf, drainAll, localUpdate, logCall, makeHarness, outboxCounts } from '../../support/sync-harness';
import { poll } from '../../support/poll';

let rt: RtInstance;
beforeAll(async () => {
  rt = await startRt();
});
afterAll(async () => {
  await rt?.dispose();
});

const serverIdOf = (h: { core: { db: import('better-sqlite3').Database } }, ticketId: string) =>
  (h.core.db.prepare('SELECT server_id FROM tickets WHERE id = ?').get(ticketId) as { server_id: string | null }).server_id;

describe('RT 5: connection, pull, conflicts, bad data, reconciliation', () => {
  it('tests the connection with a clear verdict', async () => {
    const h = await makeHarness();
    try {
      const ok = await callOf(h).test({ kind: 'rt', url: rt.url, token: rt.token, user: 'relais' });
      expect(ok).toMatchObject({ ok: true, user: 'relais' });
      expect(ok.serverVersion).toMatch(/^Request Tracker 5/);
      const bad = await callOf(h).test({ kind: 'rt', url: rt.url, token: '1-27-0000' });
      expect(bad.ok).toBe(false);
      expect(bad.message.fr).toMatch(/Identifiants refusés.*renouvelez le jeton/);
      const wrongUrl = await callOf(h).test({ kind: 'rt', url: 'http://127.0.0.1:9', token: 'x' });
      expect(wrongUrl.ok).toBe(false);
      expect(wrongUrl.message.en).toMatch(/unreachable/);
    } finally {
      await h.dispose();
    }
  });

  it('first pull imports the queue with progress; incremental pull by LastUpdated brings changes and follow-ups, no duplicates', async () => {
    const h = await makeHarness();
    try {
      const ids: string[] = [];
      for (let i = 0; i < 12; i++) ids.push(await createServerTicket(rt, { Subject: `Depuis RT ${i}`, Content: `corps ${i}`, Queue: i % 2 ? 'SIG' : 'Hotline', Priority: 4, CustomFields: { Urgency: '4', Type: 'request' } }));
      await callOf(h).configure({ kind: 'rt', url: rt.url, token: rt.token });
      await h.sync.engine.idle();
      const local = (sid: string) =>
        h.core.db.prepare('SELECT t.id, t.subject, t.status, t.priority, t.urgency, t.type, t.technician, te.name AS team FROM tickets t LEFT JOIN teams te ON te.id = t.team_id WHERE t.server_id = ?').get(sid) as Record<string, unknown>;
      expect(local(ids[3]!)).toMatchObject({ subject: 'Depuis RT 3', team: 'SIG', priority: 4, urgency: 4, type: 'request', status: 1 });
      expect(h.events.some((e) => e.name === 'sync.progress' && (e.payload as { phase: string }).phase === 'pull')).toBe(true);
      expect((await callOf(h).status()).initialDone).toBe(true);
      // Changes on the server: status, owner, a comment. RT dates have one-second resolution:
      // they must fall in a later second than the newest date this pull saw, so the incremental
      // pull finds them by LastUpdated alone (the same-second case is rt-same-second.test.ts).
      const watermark = Date.parse(h.sync.engine.getState('watermark')!);
      await poll(() => Math.floor(Date.now() / 1000) > Math.floor(watermark / 1000), Boolean, { timeoutMs: 5_000, what: 'a second later than the newest RT date seen' });
      await rtFetch(rt, `/ticket/${ids[3]}`, { method: 'PUT', body: JSON.stringify({ Status: 'open', Owner: 'relais' }) });
      await rtFetch(rt, `/ticket/${ids[3]}/comment`, { method: 'POST', body: JSON.stringify({ Content: 'vu sur place', ContentType: 'text/plain' }) });
      await h.sync.engine.sync();
      expect(local(ids[3]!)).toMatchObject({ status: 2, technician: 'relais' });
      const fus = h.core.db.prepare('SELECT body, private FROM followups WHERE ticket_id = ?').all(local(ids[3]!).id) as { body: string; private: number }[];
      expect(fus).toEqual([{ body: 'vu sur place', private: 1 }]);
      await h.sync.engine.sync();
      expect(h.core.db.prepare('SELECT COUNT(*) AS n FROM followups WHERE ticket_id = ?').get(local(ids[3]!).id)).toEqual({ n: 1 });
      const count = (h.core.db.prepare("SELECT COUNT(*) AS n FROM tickets WHERE created_by = 'sync:rt'").get() as { n: number }).n;
      expect(count).toBeGreaterThanOrEqual(12);
      expect(h.core.db.prepare('SELECT COUNT(DISTINCT server_id) AS n FROM tickets WHERE server_id IS NOT NULL').get()).toEqual({ n: count });
    } finally {
      await h.dispose();
    }
  });

  it('ticket changed on the server and locally: conflict detected and shown, nothing overwritten; If-Match sent', async () => {
    const h = await makeHarness();
    try {
      const c = logCall(h.core.db, { subject: 'Conflit RT', status: 1, priority: 3 });
      await callOf(h).configure({ kind: 'rt', url: rt.url, token: rt.token });
      await drainAll(h, 60_000);
      const sid = serverIdOf(h, c.ticketId)!;
      // Server: status → stalled (4) and owner; local: status → 5 (résolu), priority → 5.
      await rtFetch(rt, `/ticket/${sid}`, { method: 'PUT', body: JSON.stringify({ Status: 'stalled' }) });
      localUpdate(h.core.db, c.ticketId, { status: 5, priority: 5 });
      await drainAll(h, 60_000);
      const server = (await rtFetch(rt, `/ticket/${sid}`)).body;
      expect(server.Status).toBe('stalled'); // not overwritten
      expect(String(server.Priority)).toBe('5'); // the other field merged
      const st = await callOf(h).ticket(c.ticketId);
      expect(st.conflicts).toEqual([expect.objectContaining({ field: 'status', baseValue: 1, localValue: 5, serverValue: 4 })]);
      expect((h.core.db.prepare('SELECT status FROM tickets WHERE id = ?').get(c.ticketId) as { status: number }).status).toBe(5); // local kept too
      expect((await callOf(h).status()).conflicts).toBe(1);
      // A pull does not overwrite the local side either while the conflict is open... the technician chooses the server.
      const after = await callOf(h).resolve(st.conflicts[0]!.id, 'server');
      expect(after.conflicts).toEqual([]);
      expect((h.core.db.prepare('SELECT status FROM tickets WHERE id = ?').get(c.ticketId) as { status: number }).status).toBe(4);
      // An ETag mismatch is refused by RT (412): the connector's update with a stale ETag fails as a conflict.
      const conn = createRtConnector({ url: rt.url, token: () => rt.token });
      const look = await conn.getTicket(sid);
      if (look.state !== 'found') throw new Error('not found');
      await rtFetch(rt, `/ticket/${sid}`, { method: 'PUT', body: JSON.stringify({ Priority: 2 }) });
      const e = await conn.updateTicket(sid, { priority: 6 }, look.ticket.etag).catch((err) => err);
      expect(e).toMatchObject({ kind: 'conflict', status: 412 });
    } finally {
      await h.dispose();
    }
  });

  it('a change the server refuses (unknown owner) is parked with RT message; discard keeps a copy on the timeline', async () => {
    const h = await makeHarness();
    try {
      const c = logCall(h.core.db, { subject: 'Refus RT' });
      await callOf(h).configure({ kind: 'rt', url: rt.url, token: rt.token });
      await drainAll(h, 60_000);
      const op = localUpdate(h.core.db, c.ticketId, { technician: 'inconnu.xyz' });
      addFollowup(h.core.db, c.ticketId, 'derrière');
      await drainAll(h, 60_000);
      const st = await callOf(h).ticket(c.ticketId);
      expect(st.parked).toEqual([expect.objectContaining({ opId: op, serverMessage: expect.stringContaining('That user does not exist') })]);
      expect(st.pending).toBe(1);
      await callOf(h).discard(op);
      await drainAll(h, 60_000);
      expect(outboxCounts(h.core.db)).toEqual({ done: 2, discarded: 1 });
      // Kind + facts, worded by the console in the reader's language (no sentence stored).
      const copy = h.core.db.prepare("SELECT body, data FROM followups WHERE ticket_id = ? AND kind = 'sync_discarded'").get(c.ticketId) as { body: string; data: string };
      const facts = JSON.parse(copy.data) as { payload: { changes: { technician: string } }; serverMessage: string };
      expect(copy.body).toBe('');
      expect(facts.payload.changes.technician).toBe('inconnu.xyz');
      expect(facts.serverMessage).toContain('That user does not exist');
    } finally {
      await h.dispose();
    }
  });

  it('bad data from the server (unknown status, huge subject, invalid UTF-8, missing fields): logged and skipped, no crash, store intact', async () => {
    const h = await makeHarness();
    try {
      const good = await createServerTicket(rt, { Subject: 'Bon ticket', Content: 'ok' });
      const weird = await createServerTicket(rt, { Subject: 'Statut bizarre', Content: 'x' });
      const huge = await createServerTicket(rt, { Subject: 'Énorme', Content: 'x' });
      const bytes = await createServerTicket(rt, { Subject: 'Octets', Content: 'x' });
      await rt.sql(`UPDATE Tickets SET Status = 'weird-status' WHERE id = ${weird}`);
      await rt.sql(`UPDATE Tickets SET Subject = printf('%.*c', 200000, 'A') WHERE id = ${huge}`);
      await rt.sql(`UPDATE Tickets SET Subject = CAST(X'4F6374C3A974FF' AS TEXT) WHERE id = ${bytes}`);
      await callOf(h).configure({ kind: 'rt', url: rt.url, token: rt.token });
      await h.sync.engine.idle();
      await h.sync.engine.sync();
      const subjects = (h.core.db.prepare('SELECT server_id, subject FROM tickets').all() as { server_id: string; subject: string }[]).map((r) => r.server_id);
      expect(subjects).toContain(good);
      expect(subjects).not.toContain(weird);
      expect(subjects).not.toContain(huge);
      const skipped = (await h.sync.handlers['sync.skipped'](undefined, { clientId: 't' })).items;
      expect(skipped.find((s) => s.serverId === weird)?.reason).toMatch(/unknown status "weird-status"/);
      expect(skipped.find((s) => s.serverId === huge)?.reason).toMatch(/too large/);
      // RT re-encodes what it stores: the invalid byte comes back either replaced (skipped as invalid UTF-8) or as text.
      const b = skipped.find((s) => s.serverId === bytes);
      if (b) expect(b.reason).toMatch(/UTF-8/);
      else expect(subjects).toContain(bytes);
      expect(h.core.db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(h.sync.engine.status().lastError).toBeNull();
      // Missing fields (a server that omits them): the parser says which.
      const conn = createRtConnector({ url: rt.url, token: () => rt.token });
      expect(() => conn.parseTicket({ id: '5', Status: 'open' })).toThrow(BadDataError);
      expect(() => conn.parseTicket({ id: '5', Status: 'open' })).toThrow(/Subject/);
      expect(() => conn.parseTicket('garbage')).toThrow(BadDataError);
      await rt.sql(`UPDATE Tickets SET Status = 'open', Subject = 'réparé' WHERE id IN (${weird}, ${huge}, ${bytes})`);
    } finally {
      await h.dispose();
    }
  });

  it('deletions and merges on the server are reconciled', async () => {
    const h = await makeHarness();
    try {
      const a = await createServerTicket(rt, { Subject: 'Fusion cible', Content: 'a' });
      const b = await createServerTicket(rt, { Subject: 'Fusion source', Content: 'b' });
      const d = await createServerTicket(rt, { Subject: 'À supprimer', Content: 'd' });
      await callOf(h).configure({ kind: 'rt', url: rt.url, token: rt.token });
      await h.sync.engine.idle();
      const localB = (h.core.db.prepare('SELECT id FROM tickets WHERE server_id = ?').get(b) as { id: string }).id;
      const localA = (h.core.db.prepare('SELECT id FROM tickets WHERE server_id = ?').get(a) as { id: string }).id;
      addFollowup(h.core.db, localB, 'note sur la source');
      await drainAll(h, 60_000);
      await rt.perl(`my $t = RT::Ticket->new(RT->SystemUser); $t->Load(${b}); my ($ok, $m) = $t->MergeInto(${a}); die $m unless $ok;`);
      expect((await rtFetch(rt, `/ticket/${d}`, { method: 'DELETE' })).status).toBe(204);
      const r = await h.sync.engine.reconcile();
      expect(r).toEqual({ deleted: 1, merged: 1 });
      expect(h.core.db.prepare('SELECT COUNT(*) AS n FROM tickets WHERE server_id = ?').get(d)).toEqual({ n: 0 });
      expect(h.core.db.prepare('SELECT COUNT(*) AS n FROM tickets WHERE id = ?').get(localB)).toEqual({ n: 0 });
      const moved = h.core.db.prepare('SELECT body FROM followups WHERE ticket_id = ?').all(localA) as { body: string }[];
      expect(moved.map((m) => m.body)).toContain('note sur la source');
      expect(h.core.db.pragma('foreign_key_check')).toEqual([]);
    } finally {
      await h.dispose();
    }
  });
});
