/**
 * Round trip against a real RT 5 (issue 17): 50 calls logged offline through the real ticket
 * workflow — every status, routing, private and public follow-ups, solutions and edits — then
 * sync and two pulls. The local store and RT must agree field by field and entry by entry.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRt, type RtInstance } from '../../services/rt';
import { createTicketWorkflow } from '../../../src/features/tickets/ticket-workflow';
import type { TicketStatus } from '../../../src/domain/tickets';
import { expectThreadMatchesTimeline, rtFetch } from './rt-helpers';
import { callOf, drainAll, localUpdate, makeHarness } from '../../support/sync-harness';

let rt: RtInstance;
beforeAll(async () => {
  rt = await startRt();
});
afterAll(async () => {
  await rt?.dispose();
});

const RT_STATUS: Record<number, string> = { 1: 'new', 2: 'open', 3: 'open', 4: 'stalled', 5: 'resolved', 6: 'resolved' };
const TEAMS = ['Hotline', 'Interventions', 'Applications', 'SIG', 'Infrastructure technique'];

describe('round trip with a real RT 5', () => {
  it('50 offline calls: after sync and two pulls, Relais and RT agree field by field and entry by entry', async () => {
    const h = await makeHarness();
    const call = callOf(h);
    try {
      const db = h.core.db;
      const wf = createTicketWorkflow(db, { now: () => new Date(), currentUser: () => 'relais' });
      const teamId = (name: string) => (db.prepare('SELECT id FROM teams WHERE name = ?').get(name) as { id: string }).id;
      const ids: string[] = [];
      for (let i = 0; i < 50; i++) {
        const team = TEAMS[i % TEAMS.length]!;
        const outcome = i % 5 === 0 ? 'solved_on_phone' : i % 5 === 1 ? 'route' : 'keep';
        const t = wf.logCall({
          requesterName: `Agent ${i}`,
          requesterPhone: `01020304${String(i).padStart(2, '0')}`,
          subject: `Appel ${i}`,
          description: `Description de l'appel ${i}`,
          urgency: ((i % 5) + 1) as 1 | 2 | 3 | 4 | 5,
          impact: (((i + 2) % 5) + 1) as 1 | 2 | 3 | 4 | 5,
          type: i % 3 === 0 ? 'request' : 'incident',
          outcome,
          ...(outcome === 'route' ? { teamId: teamId(team) } : {}),
          ...(outcome === 'solved_on_phone' && i % 10 === 0 ? { solution: `Solution donnée au téléphone ${i}` } : {}),
        });
        ids.push(t.id);
        if (i % 4 === 0) wf.addFollowup(t.id, `Suivi public ${i}`, false);
        if (i % 3 === 0) wf.addFollowup(t.id, `Note privée ${i}`, true);
        if (i % 7 === 2) localUpdate(db, t.id, { priority: 5, urgency: 5 });
        const target = ([2, 3, 4, 6] as TicketStatus[])[Math.floor(i / 6) % 4]!;
        if (outcome === 'keep' && i % 6 === 2) wf.setStatus(t.id, target);
        if (outcome === 'keep' && i % 6 === 3) wf.route(t.id, teamId(team), i % 12 === 3 ? 'relais' : null);
        if (outcome === 'keep' && i % 6 === 4) wf.resolve(t.id, `Résolu plus tard ${i}`);
        if (outcome === 'keep' && i % 6 === 5) {
          wf.resolve(t.id, `Résolu puis clos ${i}`);
          wf.setStatus(t.id, 6);
        }
      }
      const statuses = new Set(ids.map((id) => (db.prepare('SELECT status FROM tickets WHERE id = ?').get(id) as { status: number }).status));
      expect([...statuses].sort()).toEqual([1, 2, 3, 4, 5, 6]);

      await call.configure({ kind: 'rt', url: rt.url, token: rt.token });
      await drainAll(h, 240_000);
      const entriesBefore = (db.prepare('SELECT COUNT(*) AS n FROM followups').get() as { n: number }).n;
      await h.sync.engine.sync();
      await h.sync.engine.sync();
      expect(await call.status()).toMatchObject({ pending: 0, parked: 0, conflicts: 0 });
      expect((db.prepare('SELECT COUNT(*) AS n FROM followups').get() as { n: number }).n).toBe(entriesBefore);

      for (const id of ids) {
        const l = db
          .prepare(
            `SELECT t.server_id, t.subject, t.status, t.priority, t.urgency, t.impact, t.type, t.technician, t.requester_name, t.requester_phone, t.description, m.name AS team
             FROM tickets t LEFT JOIN teams m ON m.id = t.team_id WHERE t.id = ?`,
          )
          .get(id) as Record<string, string | number | null>;
        expect(l.server_id, `ticket ${l.subject} on RT`).toBeTruthy();
        const r = (await rtFetch(rt, `/ticket/${l.server_id}`)).body;
        const cfs = Object.fromEntries((r.CustomFields as { name: string; values: string[] }[]).map((c) => [c.name, c.values[0] ?? '']));
        const queue = (await rtFetch(rt, `/queue/${r.Queue.id}`)).body.Name;
        const owner = r.Owner.id === 'Nobody' ? null : r.Owner.id;
        const what = `ticket ${l.subject}`;
        expect(
          { subject: r.Subject, status: r.Status, exact: Number(cfs.RelaisStatus), priority: Number(r.Priority), urgency: Number(cfs.Urgency), impact: Number(cfs.Impact), type: cfs.Type, team: queue, owner, requester: cfs.Requester },
          what,
        ).toEqual({
          subject: l.subject,
          status: RT_STATUS[l.status as number],
          exact: l.status,
          priority: l.priority,
          urgency: l.urgency,
          impact: l.impact,
          type: l.type,
          team: l.team,
          owner: l.technician,
          requester: `${l.requester_name} · ${l.requester_phone}`,
        });

        // Entry by entry: the creation holds the call; each other entry is one reply or comment, in order.
        await expectThreadMatchesTimeline(rt, db, id);
      }
    } finally {
      await h.dispose();
    }
  }, 400_000);
});
