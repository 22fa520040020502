/**
 * "Préparer le serveur" against a stock RT 5 that has neither the team queues nor the
 * custom fields (issue 17, defect 5): the test lists each missing piece, preparation
 * creates them when the token may, or leaves the exact list for the RT administrator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RT_TEAMS, startRt, type RtInstance } from '../../services/rt';
import { createTicketWorkflow } from '../../../src/features/tickets/ticket-workflow';
import { rtFetch } from './rt-helpers';
import { callOf, drainAll, makeHarness } from '../../support/sync-harness';

const caller = { clientId: 'test' };

describe('server readiness on a fresh RT', () => {
  let rt: RtInstance;
  beforeAll(async () => {
    rt = await startRt({ variant: 'fresh' });
  });
  afterAll(async () => {
    await rt?.dispose();
  });

  it('the test lists the missing queues and fields; "Préparer le serveur" creates them; the first call then lands with its fields', async () => {
    const h = await makeHarness();
    const call = callOf(h);
    try {
      const before = await call.test({ kind: 'rt', url: rt.url, token: rt.token });
      expect(before.ok).toBe(false);
      expect(before.user).toBe('relais');
      const missing = before.readiness!.checks.filter((c) => !c.ok).map((c) => c.key);
      for (const team of RT_TEAMS) expect(missing).toContain(`queue:${team}`);
      for (const f of ['RelaisOpId', 'Urgency', 'Impact', 'Requester']) expect(missing).toContain(`customfield:${f}`);
      expect(before.readiness!.checks.filter((c) => !c.ok).every((c) => c.fixable && c.code.startsWith('sync.check.'))).toBe(true);
      expect(before.message.fr).toMatch(/Préparer le serveur/);

      await call.configure({ kind: 'rt', url: rt.url, token: rt.token });
      const after = await h.sync.handlers['sync.prepare']({ confirm: true }, caller);
      expect(after.readiness!.checks.filter((c) => !c.ok)).toEqual([]);
      expect(after.ok).toBe(true);
      expect((await call.status()).config.lastTest).toMatchObject({ ok: true, account: 'relais' });

      const wf = createTicketWorkflow(h.core.db, { now: () => new Date(), currentUser: () => 'relais' });
      const t = wf.logCall({ requesterName: 'Mme Agent', requesterPhone: '0600000000', description: 'Logiciel SIG planté', urgency: 5, impact: 2, outcome: 'route', teamId: (h.core.db.prepare("SELECT id FROM teams WHERE name = 'SIG'").get() as { id: string }).id });
      await drainAll(h, 60_000);
      expect((await call.status()).parked).toBe(0);
      const sid = (h.core.db.prepare('SELECT server_id FROM tickets WHERE id = ?').get(t.id) as { server_id: string }).server_id;
      const r = await rtFetch(rt, `/ticket/${sid}`);
      const cfs = Object.fromEntries((r.body.CustomFields as { name: string; values: string[] }[]).map((c) => [c.name, c.values[0]]));
      expect(cfs).toMatchObject({ Urgency: '5', Impact: '2', Requester: 'Mme Agent · 0600000000', RelaisStatus: '1' });
      expect((await rtFetch(rt, `/queue/${r.body.Queue.id}`)).body.Name).toBe('SIG');
    } finally {
      await h.dispose();
    }
  }, 120_000);
});

describe('server readiness when the token may not administer RT', () => {
  let rt: RtInstance;
  beforeAll(async () => {
    rt = await startRt({ variant: 'fresh-limited' });
  });
  afterAll(async () => {
    await rt?.dispose();
  });

  it('"Préparer le serveur" creates nothing and leaves the exact list for the RT administrator', async () => {
    const h = await makeHarness();
    try {
      const r = await h.sync.handlers['sync.prepare']({ confirm: true, kind: 'rt', url: rt.url, token: rt.token }, caller);
      expect(r.ok).toBe(false);
      const missing = r.readiness!.checks.filter((c) => !c.ok);
      expect(missing.map((c) => c.key)).toEqual(expect.arrayContaining(RT_TEAMS.map((t) => `queue:${t}`).concat(['customfield:RelaisOpId'])));
      expect(missing.every((c) => !c.fixable && /NeedsAdmin$/.test(c.code))).toBe(true);
      const queues = await rtFetch(rt, '/queues/all?fields=Name');
      expect(queues.body.items.map((q: { Name: string }) => q.Name)).toEqual(['General']);
    } finally {
      await h.dispose();
    }
  }, 120_000);

  it('a field the server cannot store is a visible warning on the ticket, never silently dropped', async () => {
    // The administrator made only the Hotline queue and RelaisOpId.
    await rt.perl(`my $q = RT::Queue->new(RT->SystemUser); my ($ok, $m) = $q->Create(Name => 'Hotline'); die $m unless $ok;
      my $cf = RT::CustomField->new(RT->SystemUser); ($ok, $m) = $cf->Create(Name => 'RelaisOpId', Type => 'FreeformSingle', LookupType => 'RT::Queue-RT::Ticket'); die $m unless $ok;
      ($ok, $m) = $cf->AddToObject(RT::Queue->new(RT->SystemUser)); die $m unless $ok;`);
    const h = await makeHarness();
    try {
      await callOf(h).configure({ kind: 'rt', url: rt.url, token: rt.token });
      const wf = createTicketWorkflow(h.core.db, { now: () => new Date(), currentUser: () => 'relais' });
      const t = wf.logCall({ requesterName: 'Mme Agent', description: 'Urgence non transmise', urgency: 5, impact: 4 });
      await drainAll(h, 60_000);
      const st = await callOf(h).ticket(t.id);
      expect(st.serverId).toBeTruthy();
      expect(st.warnings).toEqual([{ code: 'sync.fieldsNotSent', params: { fields: expect.arrayContaining(['urgency', 'impact', 'type', 'requesterName']) } }]);
    } finally {
      await h.dispose();
    }
  }, 120_000);
});
