/**
 * Sync fidelity against a real Request Tracker 5 with its default scrips (issue 17): what
 * the hotline did is what RT shows, and what the next pulls bring back.
 * Calls are logged through the real ticket workflow, offline, then synced.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRt, type RtInstance } from '../../services/rt';
import { createTicketWorkflow } from '../../../src/features/tickets/ticket-workflow';
import { expectThreadMatchesTimeline, rtFetch } from './rt-helpers';
import { callOf, drainAll, makeHarness, type Harness } from '../../support/sync-harness';

let rt: RtInstance;
beforeAll(async () => {
  rt = await startRt();
});
afterAll(async () => {
  await rt?.dispose();
});

const workflow = (h: Harness) => createTicketWorkflow(h.core.db, { now: () => new Date(), currentUser: () => 'relais' });
const teamId = (h: Harness, name: string) => (h.core.db.prepare('SELECT id FROM teams WHERE name = ?').get(name) as { id: string }).id;
const serverIdOf = (h: Harness, ticketId: string) => (h.core.db.prepare('SELECT server_id FROM tickets WHERE id = ?').get(ticketId) as { server_id: string | null }).server_id;
const localStatus = (h: Harness, ticketId: string) => (h.core.db.prepare('SELECT status FROM tickets WHERE id = ?').get(ticketId) as { status: number }).status;

async function rtTicket(id: string): Promise<{ Status: string; Queue: string; cfs: Record<string, string> }> {
  const r = await rtFetch(rt, `/ticket/${id}`);
  const cfs: Record<string, string> = {};
  for (const cf of r.body.CustomFields ?? []) cfs[cf.name] = cf.values?.[0] ?? '';
  const q = await rtFetch(rt, `/queue/${r.body.Queue.id}`);
  return { Status: r.body.Status, Queue: q.body.Name, cfs };
}

describe('sync fidelity with a stock RT 5 (default scrips)', () => {
  it('resolved and routed calls stay resolved and routed in RT and in Relais after sync and two pulls; one server object per timeline entry', async () => {
    const h = await makeHarness();
    const call = callOf(h);
    try {
      const wf = workflow(h);
      const base = { requesterName: 'Agent Test', requesterPhone: '0102030405' };
      const solvedTyped = [0, 1, 2].map((i) => wf.logCall({ ...base, description: `Imprimante ${i} bloquée`, outcome: 'solved_on_phone', solution: `Bourrage retiré ${i}` }));
      const solvedBare = [0, 1, 2].map((i) => wf.logCall({ ...base, description: `Mot de passe ${i} oublié`, outcome: 'solved_on_phone' }));
      const routed = ['SIG', 'Interventions', 'Applications'].map((team) => wf.logCall({ ...base, description: `Panne pour ${team}`, outcome: 'route', teamId: teamId(h, team) }));
      const kept = wf.logCall({ ...base, description: 'Écran qui scintille', outcome: 'keep' });
      const laterResolved = wf.logCall({ ...base, description: 'VPN coupé', outcome: 'keep' });
      wf.addFollowup(laterResolved.id, 'Rappel de l’agent : toujours coupé', false);
      wf.addFollowup(laterResolved.id, 'Note interne : voir le pare-feu', true);
      wf.resolve(laterResolved.id, 'Profil VPN réinstallé');
      const stalled = wf.logCall({ ...base, description: 'Attente de pièce', outcome: 'keep' });
      wf.setStatus(stalled.id, 4);
      wf.addFollowup(stalled.id, 'Pièce commandée, on attend', false);

      await call.configure({ kind: 'rt', url: rt.url, token: rt.token });
      await drainAll(h, 120_000);
      await h.sync.engine.sync();
      await h.sync.engine.sync();

      const expected: [string, number, string][] = [
        ...[...solvedTyped, ...solvedBare].map((t) => [t.id, 5, 'resolved'] as [string, number, string]),
        ...routed.map((t) => [t.id, 1, 'new'] as [string, number, string]),
        [kept.id, 2, 'open'],
        [laterResolved.id, 5, 'resolved'],
        [stalled.id, 4, 'stalled'],
      ];
      for (const [id, local, server] of expected) {
        const sid = serverIdOf(h, id);
        expect(sid, `ticket ${id} linked`).toBeTruthy();
        expect((await rtTicket(sid!)).Status, `RT status of ${id}`).toBe(server);
        expect(localStatus(h, id), `Relais status of ${id}`).toBe(local);
      }
      expect(h.sync.engine.status().conflicts).toBe(0);

      // One server object per timeline entry: the call is the creation's content, each
      // follow-up one reply or comment; the description is in RT exactly once.
      for (const t of [...solvedTyped, ...solvedBare, ...routed, kept, laterResolved, stalled]) await expectThreadMatchesTimeline(rt, h.core.db, t.id);
    } finally {
      await h.dispose();
    }
  }, 300_000);

  it('an open conflict keeps the local values through pulls; "Garder ma version" applies and pushes exactly them', async () => {
    const h = await makeHarness();
    const call = callOf(h);
    try {
      const wf = workflow(h);
      const t = wf.logCall({ requesterName: 'Agent Test', description: 'Cartographie inaccessible', outcome: 'route', teamId: teamId(h, 'Interventions') });
      await call.configure({ kind: 'rt', url: rt.url, token: rt.token });
      await drainAll(h, 60_000);
      await h.sync.engine.sync();
      const sid = serverIdOf(h, t.id)!;
      // Offline here: routed to SIG and "En cours (planifié)"; meanwhile on RT: Applications, stalled.
      wf.route(t.id, teamId(h, 'SIG'), 'relais');
      wf.setStatus(t.id, 3);
      const r = await rtFetch(rt, `/ticket/${sid}`, { method: 'PUT', body: JSON.stringify({ Status: 'stalled', Queue: 'Applications' }) });
      expect(r.status).toBe(200);
      await drainAll(h, 60_000);
      let st = await call.ticket(t.id);
      expect(st.conflicts.map((c) => [c.field, c.localValue, c.serverValue]).sort()).toEqual([
        ['status', 3, 4],
        ['team', 'SIG', 'Applications'],
      ]);
      // Two periodic pulls later (and a new server change, likely in the same second as the one
      // already seen: RT dates changes to the second): the local ticket still shows SIG / 3.
      await rtFetch(rt, `/ticket/${sid}`, { method: 'PUT', body: JSON.stringify({ Status: 'open' }) });
      await h.sync.engine.sync();
      await h.sync.engine.sync();
      const row = () => h.core.db.prepare('SELECT t.status, m.name AS team FROM tickets t LEFT JOIN teams m ON m.id = t.team_id WHERE t.id = ?').get(t.id) as { status: number; team: string };
      expect(row()).toEqual({ status: 3, team: 'SIG' });
      st = await call.ticket(t.id);
      expect(st.conflicts.find((c) => c.field === 'status')?.serverValue).toBe(2);
      for (const c of st.conflicts) st = await call.resolve(c.id, 'local');
      expect(st.conflicts).toEqual([]);
      expect(row()).toEqual({ status: 3, team: 'SIG' });
      await drainAll(h, 60_000);
      await h.sync.engine.sync();
      await h.sync.engine.sync();
      const server = await rtTicket(sid);
      expect([server.Status, server.Queue, server.cfs.RelaisStatus]).toEqual(['open', 'SIG', '3']);
      expect(row()).toEqual({ status: 3, team: 'SIG' });
    } finally {
      await h.dispose();
    }
  }, 180_000);

  it('one truthful state: local only, unreachable since T (last success unchanged by a local change), token refused, synchronised', async () => {
    const h = await makeHarness({ timeoutMs: 2_000 });
    const call = callOf(h);
    try {
      expect((await call.status()).state).toBe('local');
      await call.configure({ kind: 'rt', url: rt.url, token: rt.token });
      await h.sync.engine.sync();
      let s = await call.status();
      expect(s.state).toBe('synced');
      const lastSuccess = s.lastSuccessAt;
      await rt.stop();
      try {
        await h.sync.engine.sync();
        s = await call.status();
        expect(s.state).toBe('unreachable');
        expect(s.unreachableSince).toBeTruthy();
        const lastError = s.lastError;
        expect(lastError).toBeTruthy();
        // A local change while the server is down: nothing sent, nothing "synchronised".
        workflow(h).logCall({ requesterName: 'Agent Test', description: 'Pendant la panne' });
        await h.sync.engine.sync({ pull: false });
        // A second run while the operation waits for its next attempt (1 s base backoff).
        await h.sync.engine.sync({ pull: false });
        s = await call.status();
        expect(s.lastSuccessAt).toBe(lastSuccess);
        expect(s.lastError).toBeTruthy();
        expect(s.state).toBe('unreachable');
        expect(s.pending).toBeGreaterThan(0);
      } finally {
        await rt.start();
      }
      await rt.revokeTokens();
      try {
        await h.sync.engine.sync();
        s = await call.status();
        expect(s.state).toBe('authRefused');
        // One global hint, not one banner per ticket: the parked ops say why.
        const parked = h.core.db.prepare("SELECT ticket_id FROM outbox WHERE state = 'parked'").all() as { ticket_id: string }[];
        for (const p of parked) for (const op of (await call.ticket(p.ticket_id)).parked) expect(op.reason).toBe('auth');
      } finally {
        await rt.newToken();
      }
      await call.configure({ kind: 'rt', url: rt.url, token: rt.token });
      await drainAll(h, 60_000);
      await h.sync.engine.sync();
      s = await call.status();
      expect(s.state).toBe('synced');
      expect(s.pending).toBe(0);
      expect(s.lastSuccessAt! > lastSuccess!).toBe(true);
    } finally {
      await h.dispose();
    }
  }, 180_000);

  it('changes parked against a wrong server go through once the address is fixed; "Tout réessayer" retries every parked change', async () => {
    const h = await makeHarness({ timeoutMs: 3_000 });
    const call = callOf(h);
    try {
      const wf = workflow(h);
      const tickets = [0, 1, 2].map((i) => wf.logCall({ requesterName: 'Agent Test', description: `Appel ${i} vers le mauvais serveur` }));
      // A web server that is not RT's REST2 (the RT web UI under a wrong path answers 404s).
      await call.configure({ kind: 'rt', url: `${rt.url}/mauvais-chemin`, token: rt.token });
      await drainAll(h, 60_000);
      expect((await call.status()).parked).toBeGreaterThanOrEqual(3);
      await call.configure({ kind: 'rt', url: rt.url, token: rt.token });
      expect((await call.status()).parked).toBe(0);
      await drainAll(h, 60_000);
      for (const t of tickets) expect(serverIdOf(h, t.id)).toBeTruthy();
      // A refusal by the real server stays parked on a credentials-only change, and "Tout réessayer" takes it.
      const bad = wf.logCall({ requesterName: 'Agent Test', description: 'Équipe sans file' });
      h.core.db.prepare("UPDATE outbox SET payload = json_set(payload, '$.teamName', 'File inexistante') WHERE ticket_id = ? AND kind = 'ticket.create'").run(bad.id);
      await drainAll(h, 60_000);
      expect((await call.status()).parked).toBe(1);
      const all = await h.sync.handlers['sync.retryAll'](undefined, { clientId: 'test' });
      expect(all.retried).toBe(1);
    } finally {
      await h.dispose();
    }
  }, 120_000);

  it('the first pull brings the queue with a "historique partiel" marker; opening the ticket fetches its older follow-ups', async () => {
    const created = await rtFetch(rt, '/ticket', { method: 'POST', body: JSON.stringify({ Queue: 'SIG', Subject: 'Ancien ticket du serveur', Content: 'créé sur RT', ContentType: 'text/plain' }) });
    const sid = String(created.body.id);
    await rtFetch(rt, `/ticket/${sid}/comment`, { method: 'POST', body: JSON.stringify({ Content: 'ancien commentaire', ContentType: 'text/plain' }) });
    await rtFetch(rt, `/ticket/${sid}/correspond`, { method: 'POST', body: JSON.stringify({ Content: 'ancienne réponse', ContentType: 'text/plain' }) });
    const h = await makeHarness();
    const call = callOf(h);
    try {
      await call.configure({ kind: 'rt', url: rt.url, token: rt.token });
      await h.sync.engine.sync();
      const id = (h.core.db.prepare('SELECT id FROM tickets WHERE server_id = ?').get(sid) as { id: string }).id;
      const bodies = () => (h.core.db.prepare('SELECT body, private FROM followups WHERE ticket_id = ? ORDER BY created_at, rowid').all(id) as { body: string; private: number }[]).map((f) => [f.body, f.private]);
      expect(bodies()).toEqual([]);
      expect((await call.ticket(id)).historyPartial).toBe(true);
      await h.sync.engine.loadHistory(id);
      expect(bodies()).toEqual([
        ['ancien commentaire', 1],
        ['ancienne réponse', 0],
      ]);
      expect((await call.ticket(id)).historyPartial).toBe(false);
      await h.sync.engine.sync();
      expect(bodies().length).toBe(2);
    } finally {
      await h.dispose();
    }
  }, 60_000);

  it('the connection test names the account RT authenticated, not the name typed in the settings', async () => {
    const h = await makeHarness();
    const call = callOf(h);
    try {
      const verdict = await call.test({ kind: 'rt', url: rt.url, token: rt.token, user: 'bob.nobody' });
      expect(verdict.user).toBe('relais');
      expect(verdict.message.fr).toContain('relais');
      expect(verdict.message.fr).not.toContain('bob.nobody');
      expect(verdict.ok).toBe(true);
    } finally {
      await h.dispose();
    }
  }, 60_000);
});
