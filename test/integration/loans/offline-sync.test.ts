/**
 * Loans made offline reach a REAL Request Tracker 5 exactly once. The whole service runs
 * (contract, SQLite file, the loans feature's loan_outbox and its drain, the tickets sync
 * engine), with the loans adapter chosen by the composition root from the ITSM server
 * configured in Settings — nothing injected. First standalone (no server), then with RT
 * configured but down, then RT back: every op lands once, checked field by field in RT; an op
 * whose acknowledgement was lost is sent again and changes nothing.
 */
import { describe, expect, it } from 'vitest';
import { RT_LOAN_FIELDS } from '../../../src/features/loans/rt-loans';
import { makeLoansHarness } from './harness';
import { withRtForLoans } from './rt-setup';
import { poll } from '../../support/poll';
import { glpiDecode, startGlpiFake } from '../../services/glpi-fake';
import { GLPI_LOAN_STATES } from '../../../src/features/loans/glpi-loans';

const server = withRtForLoans();

const rest = async (path: string) => {
  const res = await fetch(`${server.rt.url}/REST/2.0${path}`, { headers: { Authorization: `token ${server.rt.token}` } });
  return (await res.json()) as any;
};
async function assetByTag(tag: string) {
  const found = await rest(`/assets?query=${encodeURIComponent(`Catalog = 'Permanence' AND Name = '${tag}'`)}`);
  expect(found.items).toHaveLength(1);
  const body = await rest(`/asset/${found.items[0].id}`);
  const cf = (name: string) => (body.CustomFields as { name: string; values: string[] }[]).find((c) => c.name === name)?.values[0] ?? '';
  return {
    id: String(body.id),
    heldBy: (body.HeldBy as { id: string }[]).map((h) => h.id),
    state: cf(RT_LOAN_FIELDS.state),
    due: cf(RT_LOAN_FIELDS.due),
    serial: cf(RT_LOAN_FIELDS.serial),
    model: cf(RT_LOAN_FIELDS.model),
    type: cf(RT_LOAN_FIELDS.type),
    site: cf(RT_LOAN_FIELDS.site),
    condition: cf(RT_LOAN_FIELDS.condition),
    missingKit: cf(RT_LOAN_FIELDS.missingKit),
    referredToBy: (body._hyperlinks as { ref: string; id?: string }[]).filter((l) => l.ref === 'referred-to-by').map((l) => String(l.id)),
  };
}
const count = async (sql: string) => Number((await server.rt.sql(sql)).trim());
const heldByAdds = (assetId: string) => count(`SELECT COUNT(*) FROM Transactions WHERE ObjectType = 'RT::Asset' AND ObjectId = ${Number(assetId)} AND Type = 'AddWatcher' AND Field = 'HeldBy';`);
const assetTxns = (assetId: string) => count(`SELECT COUNT(*) FROM Transactions WHERE ObjectType = 'RT::Asset' AND ObjectId = ${Number(assetId)};`);

describe('loans made offline, then drained to a real Request Tracker', () => {
  it('standalone, then RT down, then RT back: every loan op lands once, field by field; a lost acknowledgement changes nothing', async () => {
    const h = await makeLoansHarness();
    try {
      const db = h.service.core.db;
      const due = (days: number) => new Date(h.clock.now.getTime() + days * 86_400_000).toISOString();
      // 1. Standalone: no ITSM server at all. The desk works; everything waits in loan_outbox.
      const lefevre = await h.personId('Lefèvre');
      const call1 = await h.logLoanCall(lefevre, 'Télétravail : il me faut un portable et un casque');
      const req = await h.call('loans.createRequest', { ticketId: call1.id, lines: [{ type: 'portable', quantity: 1 }, { type: 'casque', quantity: 1 }], reason: 'télétravail' });
      await h.call('loans.checkout', { requestId: req.id, tags: ['PC-001', 'CAS-01'], dueAt: due(14) });
      const standalone = await h.call('loans.sync', {});
      expect(standalone.done).toBe(0);
      expect(standalone.outbox.pending).toBeGreaterThanOrEqual(5); // 3 items + 2 check-outs

      // 2. The server is configured, then goes down: more loans, nothing lost, nothing sent.
      await h.call('sync.configure', { kind: 'rt', url: server.rt.url, token: server.rt.token, user: 'relais' });
      await server.rt.stop();
      await h.call('loans.checkin', { tag: 'CAS-01', condition: 'endommage', missingKit: ['mousse'] });
      const zola = await h.personId('Zola');
      const call2 = await h.logLoanCall(zola, 'Besoin d’un portable pour la médiathèque');
      const req2 = await h.call('loans.createRequest', { ticketId: call2.id, lines: [{ type: 'portable', quantity: 1 }], reason: 'astreinte' });
      await h.call('loans.checkout', { requestId: req2.id, tags: ['PC-002'], dueAt: due(7) });
      const down = await h.call('loans.sync', {});
      expect(down.done).toBe(0);
      expect(down.stoppedBy?.code).toBe('LOAN_RT_OFFLINE');
      expect(down.stoppedBy?.message.fr).toContain('reste en attente');
      const pendingOffline = down.outbox.pending;
      expect(pendingOffline).toBe(7); // 3 items, 2 check-outs, 1 return, 1 check-out

      // 3. RT is back. The calls reach RT as tickets (the tickets sync), then the loans drain.
      await server.rt.start();
      h.clock.now = new Date(h.clock.now.getTime() + 20 * 60_000); // past the retry delays after the failures
      const serverId = (ticketId: string) => db.prepare('SELECT server_id FROM tickets WHERE id = ?').pluck().get(ticketId) as string | null;
      await poll(
        async () => {
          const both = !!serverId(call1.id) && !!serverId(call2.id);
          if (!both) await h.call('sync.now', {}); // starts a push unless one is running
          return both;
        },
        Boolean,
        { timeoutMs: 60_000, everyMs: 500, what: 'both calls to reach RT as tickets' },
      );
      let total = 0;
      for (let round = 0; round < 5 && total < pendingOffline; round++) {
        const r = await h.call('loans.sync', {});
        expect(r).toMatchObject({ conflicts: 0, parked: 0, stoppedBy: null });
        total += r.done;
      }
      expect(total).toBe(pendingOffline);
      expect((await h.call('loans.sync', {})).outbox.pending).toBe(0);

      // Field by field, as RT shows it.
      const pc1 = await assetByTag('PC-001');
      expect(pc1).toMatchObject({ heldBy: ['francois.lefevre@ville.test'], state: 'prete', serial: 'SN-A1', model: 'Latitude 5440', type: 'portable', site: 'Hôtel de Ville', referredToBy: [serverId(call1.id)] });
      const loan1 = db.prepare("SELECT due_at FROM loans l JOIN loan_items i ON i.id = l.item_id WHERE i.tag = 'PC-001'").pluck().get() as string;
      expect(pc1.due).toBe(new Date(loan1).toISOString());
      const cas = await assetByTag('CAS-01');
      const casLocal = (await h.call('loans.item', { tag: 'CAS-01' })).item.state;
      expect(casLocal).not.toBe('prete');
      expect(cas).toMatchObject({ heldBy: [], state: casLocal, due: '', condition: 'endommage', missingKit: 'mousse', model: 'Jabra Evolve2 40', type: 'casque', referredToBy: [serverId(call1.id)] });
      const pc2 = await assetByTag('PC-002');
      expect(pc2).toMatchObject({ heldBy: ['emile.zola@metropole.test'], state: 'prete', serial: 'SN-A2', referredToBy: [serverId(call2.id)] });
      expect(await heldByAdds(pc1.id)).toBe(1);
      expect(await heldByAdds(cas.id)).toBe(1);
      expect(await heldByAdds(pc2.id)).toBe(1);
      expect(await count(`SELECT COUNT(*) FROM Assets WHERE Name IN ('PC-001', 'PC-002', 'CAS-01');`)).toBe(3);
      // The items now carry RT's asset ids.
      expect((await h.call('loans.items', {})).items.map((i) => [i.tag, i.remoteId])).toEqual([
        ['CAS-01', cas.id],
        ['PC-001', pc1.id],
        ['PC-002', pc2.id],
      ]);

      // 4. The acknowledgements of the last two ops (the return, the second check-out) were lost:
      // the outbox still holds them, they are sent again, and RT does not move.
      const before = await Promise.all([pc1.id, cas.id, pc2.id].map(assetTxns));
      expect(db.prepare('UPDATE loan_outbox SET done_at = NULL WHERE seq IN (SELECT seq FROM loan_outbox ORDER BY seq DESC LIMIT 2)').run().changes).toBe(2);
      const again = await h.call('loans.sync', {});
      expect(again).toMatchObject({ done: 2, conflicts: 0, parked: 0 });
      expect(await Promise.all([pc1.id, cas.id, pc2.id].map(assetTxns))).toEqual(before);
      expect(await assetByTag('PC-001')).toEqual(pc1);
      expect(await assetByTag('CAS-01')).toEqual(cas);
      expect(await assetByTag('PC-002')).toEqual(pc2);
    } finally {
      await h.close();
    }
  }, 240_000);
});

describe('loans made before a GLPI server was configured, then drained to it (GLPI test double)', () => {
  it('the composition root picks the GLPI adapter: the loan becomes a Reservation and the asset shows who holds it, once', async () => {
    const glpi = await startGlpiFake();
    glpi.addCategory('Prêt de matériel'); // GLPI refuses a category it does not have: its administrator made this one
    const h = await makeLoansHarness();
    try {
      const db = h.service.core.db;
      const lefevre = await h.personId('Lefèvre');
      const call1 = await h.logLoanCall(lefevre, 'Il me faut un portable');
      const req = await h.call('loans.createRequest', { ticketId: call1.id, lines: [{ type: 'portable', quantity: 1 }], reason: 'télétravail' });
      await h.call('loans.checkout', { requestId: req.id, tags: ['PC-001'], dueAt: new Date(h.clock.now.getTime() + 7 * 86_400_000).toISOString() });
      expect((await h.call('loans.sync', {})).done).toBe(0); // standalone

      await h.call('sync.configure', { kind: 'glpi', url: glpi.url, token: glpi.userToken, appToken: glpi.appToken });
      const serverId = () => db.prepare('SELECT server_id FROM tickets WHERE id = ?').pluck().get(call1.id) as string | null;
      await poll(
        async () => {
          if (!serverId()) await h.call('sync.now', {});
          return !!serverId();
        },
        Boolean,
        { timeoutMs: 60_000, everyMs: 500, what: 'the call to reach GLPI as a ticket' },
      );
      let pending = (await h.call('loans.sync', {})).outbox.pending;
      for (let round = 0; round < 5 && pending > 0; round++) pending = (await h.call('loans.sync', {})).outbox.pending;
      expect(pending).toBe(0);

      const pc = glpi.rows('Computer').find((r) => glpiDecode(String(r.name)) === 'PC-001')!;
      expect(glpiDecode(String(pc.serial))).toBe('SN-A1');
      expect(glpiDecode(String(pc.contact))).toBe('François Lefèvre');
      expect(glpiDecode(String(glpi.rows('State').find((x) => x.id === pc.states_id)?.name))).toBe(GLPI_LOAN_STATES.prete);
      const ri = glpi.rows('ReservationItem').find((r) => r.itemtype === 'Computer' && r.items_id === pc.id)!;
      const loans = glpi.rows('Reservation').filter((r) => r.reservationitems_id === ri.id);
      expect(loans).toHaveLength(1);
      expect(glpi.rows('Item_Ticket').filter((l) => String(l.tickets_id) === serverId() && l.items_id === pc.id)).toHaveLength(1);
      expect(glpi.rows('Peripheral').map((r) => glpiDecode(String(r.name)))).toEqual(['CAS-01']);
      expect((await h.call('loans.items', {})).items.find((i) => i.tag === 'PC-001')!.remoteId).toBe(String(pc.id));

      // The check-out's acknowledgement was lost: sent again, GLPI keeps one reservation.
      db.prepare('UPDATE loan_outbox SET done_at = NULL WHERE seq = (SELECT MAX(seq) FROM loan_outbox)').run();
      expect((await h.call('loans.sync', {})).done).toBe(1);
      expect(glpi.rows('Reservation').filter((r) => r.reservationitems_id === ri.id)).toHaveLength(1);
    } finally {
      await h.close();
      await glpi.close();
    }
  }, 120_000);
});
