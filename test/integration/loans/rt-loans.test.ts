/**
 * Loans on the assets of a REAL Request Tracker 5 (test/services/rt.ts): catalog
 * "Permanence", one asset per item, HeldBy the agent, the loan state in a custom field, the
 * request ticket linked with RefersTo asset:ID. Every expectation is read back through RT's
 * own REST2 answers (or its database), never from what the adapter returned.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRt, type RtInstance } from '../../services/rt';
import { createRtLoanRemote, RT_LOAN_CATALOG, RT_LOAN_FIELDS } from '../../../src/features/loans/rt-loans';
import type { LoanRemoteOp } from '../../../src/features/loans/remote-types';
import { loanItemFactory } from './remote-fixtures';
import { RelaisError } from '../../../src/base/errors';
import { startLossyProxy } from './lossy-http';
import { prepareRtForLoans, withRtForLoans } from './rt-setup';

const server = withRtForLoans();

const remote = (url = server.rt.url) => createRtLoanRemote({ url, token: () => server.rt.token });
const rest = async (path: string, init: RequestInit = {}) => {
  const res = await fetch(`${server.rt.url}/REST/2.0${path}`, { ...init, headers: { Authorization: `token ${server.rt.token}`, 'Content-Type': 'application/json', ...(init.headers ?? {}) } });
  return { status: res.status, body: (await res.json()) as any };
};
/** The asset as RT shows it, field by field. */
async function rtAsset(id: string) {
  const { body } = await rest(`/asset/${id}`);
  const cf = (name: string) => (body.CustomFields as { name: string; values: string[] }[]).find((c) => c.name === name)?.values[0] ?? '';
  return {
    name: body.Name as string,
    catalog: String(body.Catalog.id),
    description: body.Description as string,
    heldBy: (body.HeldBy as { id: string }[]).map((h) => h.id),
    state: cf(RT_LOAN_FIELDS.state),
    due: cf(RT_LOAN_FIELDS.due),
    type: cf(RT_LOAN_FIELDS.type),
    serial: cf(RT_LOAN_FIELDS.serial),
    model: cf(RT_LOAN_FIELDS.model),
    site: cf(RT_LOAN_FIELDS.site),
    condition: cf(RT_LOAN_FIELDS.condition),
    missingKit: cf(RT_LOAN_FIELDS.missingKit),
    reservation: cf(RT_LOAN_FIELDS.reservation),
    referredToBy: (body._hyperlinks as { ref: string; id?: string }[]).filter((l) => l.ref === 'referred-to-by').map((l) => String(l.id)),
  };
}
/** How many times RT recorded HeldBy gaining a member on this asset (its transaction history). */
async function heldByAdds(assetId: string): Promise<number> {
  const out = await server.rt.sql(`SELECT COUNT(*) FROM Transactions WHERE ObjectType = 'RT::Asset' AND ObjectId = ${Number(assetId)} AND Type = 'AddWatcher' AND Field = 'HeldBy';`);
  return Number(out.trim());
}
async function ticketLinks(ticketId: string): Promise<number> {
  const out = await server.rt.sql(`SELECT COUNT(*) FROM Links WHERE Base LIKE '%/ticket/${Number(ticketId)}' AND Type = 'RefersTo';`);
  return Number(out.trim());
}
async function newTicket(subject: string): Promise<string> {
  const { body } = await rest('/ticket', { method: 'POST', body: JSON.stringify({ Subject: subject, Queue: 'Hotline' }) });
  return String(body.id);
}

const item = loanItemFactory('XYZ');
const dupre = { name: 'Jeanne Dupré', login: 'agent-dupre', email: 'jeanne.dupre@ville.fr' };
const martin = { name: 'Paul Martin', login: 'agent-martin', email: 'paul.martin@metropole.fr' };

describe('loans on Request Tracker assets', () => {
  it('item, check-out linked to the request ticket, return: RT shows each step field by field', async () => {
    const r = remote();
    const it0 = item();
    const created = await r.apply({ kind: 'item', item: it0 });
    expect(created.status).toBe('done');
    const assetId = (created as { remoteId: string }).remoteId;
    const { body: cat } = await rest(`/catalog/${encodeURIComponent(RT_LOAN_CATALOG)}`);
    expect(await rtAsset(assetId)).toMatchObject({
      name: it0.tag,
      catalog: String(cat.id),
      heldBy: [],
      state: 'disponible',
      type: 'portable',
      serial: it0.serial,
      model: 'Dell Latitude 5420',
      site: 'Hôtel de Ville',
      referredToBy: [],
    });
    expect((await rtAsset(assetId)).description).toContain(it0.serial!);

    const ticket = await newTicket('Prêt de matériel : Jeanne Dupré');
    const withId = { ...it0, remoteId: assetId, state: 'prete' as const };
    const out = await r.apply({ kind: 'checkout', item: withId, agent: dupre, ticketRemoteId: ticket, startAt: '2026-12-01T09:00:00.000Z', dueAt: '2026-12-15T17:00:00.000Z' });
    expect(out).toEqual({ status: 'done', remoteId: assetId });
    const lent = await rtAsset(assetId);
    expect(lent).toMatchObject({ heldBy: ['agent-dupre'], state: 'prete', due: '2026-12-15T17:00:00.000Z', referredToBy: [ticket] });
    // The ticket side: RefersTo asset:ID, as RT's own UI shows it.
    const { body: t } = await rest(`/ticket/${ticket}`);
    expect((t._hyperlinks as { ref: string; _url: string }[]).filter((l) => l.ref === 'refers-to').map((l) => l._url)).toEqual([`${server.rt.url}/REST/2.0/asset/${assetId}`]);

    const back = await r.apply({ kind: 'checkin', item: { ...withId, state: 'retour_a_controler' }, condition: 'a_controler', missingKit: ['chargeur'] });
    expect(back.status).toBe('done');
    expect(await rtAsset(assetId)).toMatchObject({ heldBy: [], state: 'retour_a_controler', due: '', condition: 'a_controler', missingKit: 'chargeur', referredToBy: [ticket] });

    // Applied again (the drain did not hear the answer): nothing changes in RT.
    const before = await server.rt.sql(`SELECT COUNT(*) FROM Transactions WHERE ObjectType = 'RT::Asset' AND ObjectId = ${Number(assetId)};`);
    expect((await r.apply({ kind: 'checkin', item: { ...withId, state: 'retour_a_controler' }, condition: 'a_controler', missingKit: ['chargeur'] })).status).toBe('done');
    expect((await r.apply({ kind: 'item', item: { ...it0, remoteId: assetId, state: 'retour_a_controler' } })).status).toBe('done');
    expect(await server.rt.sql(`SELECT COUNT(*) FROM Transactions WHERE ObjectType = 'RT::Asset' AND ObjectId = ${Number(assetId)};`)).toBe(before);
    expect(await heldByAdds(assetId)).toBe(1);
  }, 60_000);

  it('an item RT does not know yet is found by its tag, not created twice (lost answer to the create)', async () => {
    const proxy = await startLossyProxy(server.rt.url);
    try {
      const it1 = item();
      proxy.loseAnswer((q) => q.method === 'POST' && q.path.startsWith('/REST/2.0/asset') && q.body.includes(it1.tag));
      await expect(remote(proxy.url).apply({ kind: 'item', item: it1 })).rejects.toMatchObject({ code: 'LOAN_RT_OFFLINE' });
      expect(proxy.lost).toHaveLength(1);
      const again = await remote(proxy.url).apply({ kind: 'item', item: it1 });
      expect(again.status).toBe('done');
      const { body } = await rest(`/assets?query=${encodeURIComponent(`Catalog = '${RT_LOAN_CATALOG}' AND Name = '${it1.tag}'`)}`);
      expect(body.items.map((i: { id: string }) => String(i.id))).toEqual([(again as { remoteId: string }).remoteId]);
      expect((await rtAsset((again as { remoteId: string }).remoteId)).state).toBe('disponible');
    } finally {
      await proxy.close();
    }
  }, 60_000);

  it('two consoles lend the same laptop at once: one is done, the other gets a conflict naming the holder; RT shows one holder', async () => {
    const it2 = item();
    const id = ((await remote().apply({ kind: 'item', item: it2 })) as { remoteId: string }).remoteId;
    const a = remote();
    const b = remote();
    const op = (agent: typeof dupre): LoanRemoteOp => ({ kind: 'checkout', item: { ...it2, remoteId: id, state: 'prete' }, agent, ticketRemoteId: null, startAt: '2026-12-01T09:00:00.000Z', dueAt: '2026-12-08T17:00:00.000Z' });
    const [ra, rb] = await Promise.all([a.apply(op(dupre)), b.apply(op(martin))]);
    const results = [ra, rb];
    const done = results.filter((r) => r.status === 'done');
    const lost = results.filter((r) => r.status === 'conflict');
    expect(done).toHaveLength(1);
    expect(lost).toHaveLength(1);
    const shown = await rtAsset(id);
    expect(shown.heldBy).toHaveLength(1);
    expect(shown.state).toBe('prete');
    const winner = ra.status === 'done' ? 'agent-dupre' : 'agent-martin';
    const winnerName = winner === 'agent-dupre' ? 'Jeanne Dupré' : 'Paul Martin';
    expect(shown.heldBy).toEqual([winner]);
    const c = lost[0] as Extract<typeof ra, { status: 'conflict' }>;
    expect(c.heldBy).toContain(winnerName);
    expect(c.message.fr).toContain('déjà prêté');
    expect(c.message.fr).toContain(winnerName);
    expect(c.message.en).toContain('already lent');

    // A third console, later: a plain conflict, and RT is untouched.
    const later = await remote().apply(op(winner === 'agent-dupre' ? martin : dupre));
    expect(later).toMatchObject({ status: 'conflict' });
    expect((await rtAsset(id)).heldBy).toEqual([winner]);
  }, 60_000);

  it('the answer to a check-out is lost after RT committed it: applied exactly once, and "done" when sent again', async () => {
    const proxy = await startLossyProxy(server.rt.url);
    try {
      const it3 = item();
      const id = ((await remote().apply({ kind: 'item', item: it3 })) as { remoteId: string }).remoteId;
      const ticket = await newTicket('Prêt : casque');
      const op: LoanRemoteOp = { kind: 'checkout', item: { ...it3, remoteId: id, state: 'prete' }, agent: martin, ticketRemoteId: ticket, startAt: '2026-12-01T09:00:00.000Z', dueAt: '2026-12-20T17:00:00.000Z' };
      // The HeldBy write and the ticket link both lose their answers.
      proxy.loseAnswer((q) => q.method === 'PUT' && q.path === `/REST/2.0/asset/${id}` && q.body.includes('HeldBy'));
      proxy.loseAnswer((q) => q.method === 'PUT' && q.path === `/REST/2.0/ticket/${ticket}`);
      expect(await remote(proxy.url).apply(op)).toEqual({ status: 'done', remoteId: id });
      expect(proxy.lost.map((q) => q.method + ' ' + q.path)).toEqual([`PUT /REST/2.0/asset/${id}`, `PUT /REST/2.0/ticket/${ticket}`]);
      // Sent again by a drain that never heard back.
      expect(await remote(proxy.url).apply(op)).toEqual({ status: 'done', remoteId: id });
      expect(await rtAsset(id)).toMatchObject({ heldBy: ['agent-martin'], state: 'prete', due: '2026-12-20T17:00:00.000Z', referredToBy: [ticket] });
      expect(await heldByAdds(id)).toBe(1);
      expect(await ticketLinks(ticket)).toBe(1);
    } finally {
      await proxy.close();
    }
  }, 60_000);

  it('RT down: a RelaisError that says the loan stays queued (retry), nothing half-written', async () => {
    const it4 = item();
    await server.rt.stop();
    try {
      const err = await remote().apply({ kind: 'item', item: it4 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RelaisError);
      expect((err as RelaisError).code).toBe('LOAN_RT_OFFLINE');
      expect((err as RelaisError).messages.fr).toContain('reste en attente');
      expect((err as RelaisError).details).toMatchObject({ retryable: true });
    } finally {
      await server.rt.start();
    }
    const { body } = await rest(`/assets?query=${encodeURIComponent(`Name = '${it4.tag}'`)}`);
    expect(body.items).toEqual([]);
  }, 90_000);

  it('reservations: overlapping slots refused with who booked it, back-to-back accepted, cancel frees the slot', async () => {
    const it5 = item({ type: 'webcam', model: 'Logitech C920', serial: null });
    const id = ((await remote().apply({ kind: 'item', item: it5 })) as { remoteId: string }).remoteId;
    const withId = { ...it5, remoteId: id, state: 'reserve' as const };
    const r = remote();
    expect((await r.apply({ kind: 'reserve', item: withId, agent: dupre, begin: '2026-12-02T09:00:00.000Z', end: '2026-12-02T10:00:00.000Z', reservationKey: 'resa-1' })).status).toBe('done');
    const clash = await r.apply({ kind: 'reserve', item: withId, agent: martin, begin: '2026-12-02T09:30:00.000Z', end: '2026-12-02T11:00:00.000Z', reservationKey: 'resa-2' });
    expect(clash).toMatchObject({ status: 'conflict' });
    expect((clash as { heldBy: string }).heldBy).toContain('Jeanne Dupré');
    expect((clash as { message: { fr: string } }).message.fr).toContain('déjà réservé');
    expect((await r.apply({ kind: 'reserve', item: withId, agent: martin, begin: '2026-12-02T10:00:00.000Z', end: '2026-12-02T11:00:00.000Z', reservationKey: 'resa-3' })).status).toBe('done');
    // Sent twice: still one booking.
    expect((await r.apply({ kind: 'reserve', item: withId, agent: martin, begin: '2026-12-02T10:00:00.000Z', end: '2026-12-02T11:00:00.000Z', reservationKey: 'resa-3' })).status).toBe('done');
    const booked = JSON.parse((await rtAsset(id)).reservation) as { key: string; agent: string; begin: string }[];
    expect(booked.map((b) => [b.key, b.agent, b.begin])).toEqual([
      ['resa-1', 'agent-dupre', '2026-12-02T09:00:00.000Z'],
      ['resa-3', 'agent-martin', '2026-12-02T10:00:00.000Z'],
    ]);
    expect((await rtAsset(id)).state).toBe('reserve');
    expect((await r.apply({ kind: 'cancelReservation', item: withId, reservationKey: 'resa-1' })).status).toBe('done');
    expect((await r.apply({ kind: 'cancelReservation', item: withId, reservationKey: 'resa-1' })).status).toBe('done');
    expect(JSON.parse((await rtAsset(id)).reservation).map((b: { key: string }) => b.key)).toEqual(['resa-3']);
    expect((await r.apply({ kind: 'reserve', item: withId, agent: martin, begin: '2026-12-02T09:00:00.000Z', end: '2026-12-02T10:00:00.000Z', reservationKey: 'resa-4' })).status).toBe('done');
  }, 60_000);
});

describe('loans on an RT the administrator has not prepared', () => {
  let bare: RtInstance;
  beforeAll(async () => {
    bare = await startRt();
    await prepareRtForLoans(bare, { catalog: false });
  }, 120_000);
  afterAll(async () => {
    await bare?.dispose();
  });

  it('creates the "Permanence" catalog when the token may, then says which custom fields the administrator must add', async () => {
    const r = createRtLoanRemote({ url: bare.url, token: () => bare.token });
    const err = await r.apply({ kind: 'item', item: item() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RelaisError);
    expect((err as RelaisError).code).toBe('LOAN_RT_FIELDS_MISSING');
    expect((err as RelaisError).messages.fr).toContain(`« ${RT_LOAN_FIELDS.state} »`);
    expect((err as RelaisError).messages.fr).toContain('appliquer au catalogue');
    const res = await fetch(`${bare.url}/REST/2.0/catalog/${encodeURIComponent(RT_LOAN_CATALOG)}`, { headers: { Authorization: `token ${bare.token}` } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { Name: string }).Name).toBe(RT_LOAN_CATALOG);
  }, 60_000);
});
