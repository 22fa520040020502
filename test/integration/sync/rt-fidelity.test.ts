/**
 * Sync fidelity against a real Request Tracker 5 with its default scrips (issue 17): what
 * the hotline did is what RT shows, and what the next pulls bring back.
 * Calls are logged through the real ticket workflow, offline, then synced.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRt, type RtInstance } from '../../services/rt';
import { createTicketWorkflow } from '../../../src/features/tickets/ticket-workflow';
import { rtFetch } from './rt-helpers';
import { callOf, drainAll, makeHarness, type Harness } from './support';

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

/** RT's transactions that carry text (creation, replies, comments), with their contents. */
async function rtThread(id: string): Promise<{ tx: string; type: string; content: string }[]> {
  const types = new Map<string, string>();
  const h = await rtFetch(rt, `/ticket/${id}/history?per_page=100&fields=Type`);
  for (const t of h.body.items) types.set(String(t.id), t.Type);
  const a = await rtFetch(rt, `/ticket/${id}/attachments?per_page=100&fields=Content,TransactionId,ContentType`);
  const out: { tx: string; type: string; content: string }[] = [];
  for (const at of a.body.items) {
    const tx = String(typeof at.TransactionId === 'object' ? at.TransactionId.id : at.TransactionId);
    const type = types.get(tx) ?? '?';
    if (!['Create', 'Correspond', 'Comment'].includes(type) || !(at.ContentType ?? '').startsWith('text/plain')) continue;
    if (out.some((o) => o.tx === tx)) continue;
    out.push({ tx, type, content: String(at.Content ?? '').split('\n\n[relais-op:')[0]! });
  }
  return out.sort((x, y) => Number(x.tx) - Number(y.tx));
}

const MIRRORS = new Set(['status', 'assign', 'created']);

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
      for (const t of [...solvedTyped, ...solvedBare, ...routed, kept, laterResolved, stalled]) {
        const sid = serverIdOf(h, t.id)!;
        const thread = await rtThread(sid);
        const entries = (h.core.db.prepare('SELECT kind, body, server_id, private FROM followups WHERE ticket_id = ? ORDER BY created_at, rowid').all(t.id) as { kind: string; body: string; server_id: string | null; private: number }[]).filter(
          (e) => !MIRRORS.has(e.kind),
        );
        const description = (h.core.db.prepare('SELECT description FROM tickets WHERE id = ?').get(t.id) as { description: string }).description;
        expect(thread.filter((x) => x.content.trim() === description).length, `description of ${sid} once`).toBe(1);
        expect(thread[0]).toMatchObject({ type: 'Create', content: description });
        for (const e of entries) expect(e.server_id, `${e.kind} entry linked`).toBeTruthy();
        const replies = entries.filter((e) => !e.server_id!.startsWith('create:'));
        expect(thread.slice(1).map((x) => [x.tx, x.type, x.content])).toEqual(replies.map((e) => [e.server_id, e.private ? 'Comment' : 'Correspond', e.body]));
        expect(entries.filter((e) => e.server_id!.startsWith('create:')).every((e) => e.body === description)).toBe(true);
      }
    } finally {
      await h.dispose();
    }
  }, 300_000);

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
