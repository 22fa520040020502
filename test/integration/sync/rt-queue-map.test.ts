/**
 * Issue 17: the team → queue mapping set in Settings (`mappings.*` calls) against a real
 * Request Tracker 5. The picker offers RT's own queues; a mapped team's calls land in the
 * mapped queue, and tickets of that queue come back to the team; bad maps are refused with
 * a message that says what to do.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RT_TEAMS, startRt, type RtInstance } from '../../services/rt';
import { createTicketWorkflow } from '../../../src/features/tickets/ticket-workflow';
import { createSyncMappingsFeature } from '../../../src/api/handlers/sync-mappings';
import { rtFetch } from './rt-helpers';
import { callOf, drainAll, makeHarness } from '../../support/sync-harness';
import { createReferentials } from '../../../src/features/tickets/referentials';

const caller = { clientId: 'test' };

describe('team → RT queue mapping', () => {
  let rt: RtInstance;
  beforeAll(async () => {
    rt = await startRt();
  });
  afterAll(async () => {
    await rt?.dispose();
  });

  it('offers RT’s queues, routes a mapped team to its queue, brings that queue’s tickets back to the team', async () => {
    const h = await makeHarness();
    try {
      const mappings = createSyncMappingsFeature(h.core, { sync: h.sync, referentials: createReferentials(h.core.db, () => h.core.now()).port, organisationCodes: () => [] }).handlers;
      await callOf(h).configure({ kind: 'rt', url: rt.url, token: rt.token });
      const choices = await mappings['mappings.choices'](undefined, caller);
      for (const q of [...RT_TEAMS, 'General']) expect(choices.queues).toContain(q);
      expect((await mappings['mappings.get'](undefined, caller)).queueMap).toEqual({});

      const saved = await mappings['mappings.setQueues']({ queueMap: { SIG: 'General', Hotline: 'Hotline' } }, caller);
      expect(saved).toMatchObject({ kind: 'rt', queueMap: { SIG: 'General' } });
      expect(saved.teams).toEqual(expect.arrayContaining(['SIG', 'Hotline']));

      const wf = createTicketWorkflow(h.core.db, { now: () => new Date(), currentUser: () => 'relais' });
      const teamId = (name: string) => (h.core.db.prepare('SELECT id FROM teams WHERE name = ?').get(name) as { id: string }).id;
      const routed = wf.logCall({ requesterName: 'Mme Agent', requesterPhone: '0600000000', subject: 'Couche cadastre absente', description: 'x', outcome: 'route', teamId: teamId('SIG') });
      const other = wf.logCall({ requesterName: 'M. Agent', requesterPhone: '0600000001', subject: 'Poste lent', description: 'y', outcome: 'route', teamId: teamId('Interventions') });
      await drainAll(h, 60_000);
      expect((await callOf(h).status()).parked).toBe(0);
      const queueOf = async (ticketId: string) => {
        const sid = (h.core.db.prepare('SELECT server_id FROM tickets WHERE id = ?').get(ticketId) as { server_id: string }).server_id;
        const r = await rtFetch(rt, `/ticket/${sid}`);
        return (await rtFetch(rt, `/queue/${r.body.Queue.id}`)).body.Name as string;
      };
      expect(await queueOf(routed.id)).toBe('General');
      expect(await queueOf(other.id)).toBe('Interventions');

      // A ticket opened in RT's General queue arrives as the SIG team's; ours stays SIG.
      const created = await rtFetch(rt, '/ticket', { method: 'POST', body: JSON.stringify({ Queue: 'General', Subject: 'Ouvert dans RT' }) });
      expect(created.status).toBe(201);
      await h.sync.engine.sync();
      const team = (where: string, arg: string) =>
        (h.core.db.prepare(`SELECT te.name AS team FROM tickets t LEFT JOIN teams te ON te.id = t.team_id WHERE ${where}`).get(arg) as { team: string | null } | undefined)?.team;
      expect(team('t.server_id = ?', String(created.body.id))).toBe('SIG');
      expect(team('t.id = ?', routed.id)).toBe('SIG');

      // The connection test checks the mapped queue for the team.
      const test = await callOf(h).test();
      expect(test.readiness!.checks.find((c) => c.key === 'queue:General')).toMatchObject({ ok: true, params: { team: 'SIG', queue: 'General' } });
    } finally {
      await h.dispose();
    }
  }, 180_000);

  it('refuses an unknown team, two teams in one queue and a control character, saying what to do', async () => {
    const h = await makeHarness();
    try {
      const mappings = createSyncMappingsFeature(h.core, { sync: h.sync, referentials: createReferentials(h.core.db, () => h.core.now()).port, organisationCodes: () => [] }).handlers;
      const refused = async (queueMap: Record<string, string>) => {
        const err = await Promise.resolve()
          .then(() => mappings['mappings.setQueues']({ queueMap }, caller))
          .then(() => null, (e: unknown) => e as { code: string; messages: { fr: string; en: string } });
        expect(err).not.toBeNull();
        return err!;
      };
      const unknown = await refused({ Cuisine: 'General' });
      expect(unknown.code).toBe('INVALID_INPUT');
      expect(unknown.messages.fr).toContain('L\'équipe « Cuisine » n\'existe pas');
      const shared = await refused({ SIG: 'General', Applications: 'General' });
      expect(shared.messages.fr).toContain('Donnez une file différente à chaque équipe');
      expect(shared.messages.en).toContain('Give each team its own queue');
      // Mapped onto the queue of another team that keeps its own name: shared too.
      expect((await refused({ SIG: 'Interventions' })).messages.fr).toContain('SIG');
      // The mapping in force is unchanged by refusals.
      expect((await mappings['mappings.get'](undefined, caller)).queueMap).toEqual({});
      // The shape is checked at the contract boundary (zod): a control character never gets in.
      const { calls } = await import('../../../src/api/contract');
      expect(calls['mappings.setQueues'].input.safeParse({ queueMap: { SIG: 'Gen\u0007eral' } }).success).toBe(false);
      expect(calls['mappings.setQueues'].input.safeParse({ queueMap: { SIG: '   ' } }).success).toBe(false);
      expect(calls['mappings.setQueues'].input.safeParse({ queueMap: { SIG: 'General' }, extra: 1 }).success).toBe(false);
    } finally {
      await h.dispose();
    }
  }, 60_000);
});
