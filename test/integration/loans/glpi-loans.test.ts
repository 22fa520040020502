/**
 * Loans on GLPI through its REST API, against the GLPI 10 test double (test/services/glpi-fake.ts,
 * GLPI cannot run here): the asset's users_id/contact/states_id, a ReservationItem per asset,
 * a Reservation per loan or pickup slot (reservationitems_id = the ReservationItem, not the
 * asset). Every expectation reads the double's stored rows, never what the adapter returned.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { glpiDecode, startGlpiFake, type GlpiFake } from '../../services/glpi-fake';
import { createGlpiLoanRemote, GLPI_LOAN_STATES } from '../../../src/features/loans/glpi-loans';
import type { LoanRemoteOp } from '../../../src/features/loans/remote-types';
import { loanItemFactory } from './remote-fixtures';
import { RelaisError } from '../../../src/base/errors';

let glpi: GlpiFake;
let dupreId: number;
let clock = Date.parse('2026-12-01T08:00:00.000Z');

beforeAll(async () => {
  glpi = await startGlpiFake();
  dupreId = glpi.addUser({ name: 'agent-dupre', realname: 'Dupré', firstname: 'Jeanne' });
  // Other reservable assets first, so ReservationItem ids and asset ids differ.
  for (const n of ['PC-SALLE-1', 'PC-SALLE-2', 'PC-SALLE-3']) glpi.addComputer(n);
});
afterAll(async () => {
  await glpi?.close();
});

const remote = () => createGlpiLoanRemote({ url: glpi.url, userToken: () => glpi.userToken, appToken: () => glpi.appToken, now: () => clock });
const row = (itemtype: string, id: number) => glpi.rows(itemtype).find((r) => r.id === id)!;
const stateName = (id: unknown) => glpiDecode(String(glpi.rows('State').find((s) => s.id === Number(id))?.name ?? ''));
const reservationsOf = (riId: number) => glpi.rows('Reservation').filter((r) => r.reservationitems_id === riId);
const riOf = (itemtype: string, id: number) => glpi.rows('ReservationItem').find((r) => r.itemtype === itemtype && r.items_id === id);

const item = loanItemFactory('GLPI');
const dupre = { name: 'Jeanne Dupré', login: 'agent-dupre', email: null };
const martin = { name: 'Paul Martin', login: 'agent-martin', email: null }; // no GLPI account

describe('loans on GLPI', () => {
  it('item, check-out linked to the ticket, return: the asset, its ReservationItem and the Reservation field by field', async () => {
    const r = remote();
    const it0 = item();
    const created = await r.apply({ kind: 'item', item: it0 });
    expect(created.status).toBe('done');
    const pcId = Number((created as { remoteId: string }).remoteId);
    const pc = row('Computer', pcId);
    expect(glpiDecode(String(pc.name))).toBe(it0.tag);
    expect(glpiDecode(String(pc.otherserial))).toBe(it0.tag);
    expect(glpiDecode(String(pc.serial))).toBe(it0.serial);
    expect(glpiDecode(String(pc.comment))).toContain('Dell Latitude 5420');
    expect(glpiDecode(String(pc.comment))).toContain('Hôtel de Ville');
    expect(stateName(pc.states_id)).toBe('Disponible');

    const ticket = glpi.addTicket({ name: 'Prêt de matériel : Jeanne Dupré' });
    const withId = { ...it0, remoteId: String(pcId), state: 'prete' as const };
    const out = await r.apply({ kind: 'checkout', item: withId, agent: dupre, ticketRemoteId: String(ticket.id), startAt: '2026-12-01T09:00:00.000Z', dueAt: '2026-12-15T17:00:00.000Z' });
    expect(out).toEqual({ status: 'done', remoteId: String(pcId) });
    const lent = row('Computer', pcId);
    expect([lent.users_id, glpiDecode(String(lent.contact)), stateName(lent.states_id)]).toEqual([dupreId, 'Jeanne Dupré', GLPI_LOAN_STATES.prete]);
    const ri = riOf('Computer', pcId)!;
    expect(ri).toMatchObject({ itemtype: 'Computer', items_id: pcId, is_active: 1 });
    expect(ri.id).not.toBe(pcId);
    const [loan] = reservationsOf(ri.id);
    // Europe/Paris, the double's time zone: server-local dates without offset.
    expect([loan!.begin, loan!.end, loan!.users_id]).toEqual(['2026-12-01 10:00:00', '2026-12-15 18:00:00', dupreId]);
    expect(glpi.rows('Item_Ticket').filter((l) => l.tickets_id === ticket.id).map((l) => [l.itemtype, l.items_id])).toEqual([['Computer', pcId]]);

    // Sent again after a lost acknowledgement: nothing doubles.
    expect((await r.apply({ kind: 'checkout', item: withId, agent: dupre, ticketRemoteId: String(ticket.id), startAt: '2026-12-01T09:00:00.000Z', dueAt: '2026-12-15T17:00:00.000Z' })).status).toBe('done');
    expect(reservationsOf(ri.id)).toHaveLength(1);
    expect(glpi.rows('Item_Ticket').filter((l) => l.tickets_id === ticket.id)).toHaveLength(1);

    clock = Date.parse('2026-12-05T14:30:00.000Z');
    const back = await r.apply({ kind: 'checkin', item: { ...withId, state: 'retour_a_controler' }, condition: 'a_controler', missingKit: ['chargeur'] });
    expect(back.status).toBe('done');
    const returned = row('Computer', pcId);
    expect([returned.users_id, glpiDecode(String(returned.contact ?? '')), stateName(returned.states_id)]).toEqual([0, '', GLPI_LOAN_STATES.retour_a_controler]);
    expect(glpiDecode(String(returned.comment))).toContain('chargeur');
    // The loan's reservation ends at the return, so the laptop can be booked again from then.
    expect(reservationsOf(ri.id).map((x) => [x.begin, x.end])).toEqual([['2026-12-01 10:00:00', '2026-12-05 15:30:00']]);
  });

  it('two consoles lend the same laptop at once: GLPI refuses the overlapping reservation, the loser gets a conflict naming the holder', async () => {
    const it1 = item();
    const id = (await remote().apply({ kind: 'item', item: it1 })) as { remoteId: string };
    const op = (agent: typeof dupre): LoanRemoteOp => ({ kind: 'checkout', item: { ...it1, remoteId: id.remoteId, state: 'prete' }, agent, ticketRemoteId: null, startAt: '2026-12-02T09:00:00.000Z', dueAt: '2026-12-09T17:00:00.000Z' });
    const [a, b] = await Promise.all([remote().apply(op(dupre)), remote().apply(op(martin))]);
    const done = [a, b].filter((x) => x.status === 'done');
    const lost = [a, b].filter((x): x is Extract<typeof a, { status: 'conflict' }> => x.status === 'conflict');
    expect(done).toHaveLength(1);
    expect(lost).toHaveLength(1);
    const winner = a.status === 'done' ? 'Jeanne Dupré' : 'Paul Martin';
    expect(lost[0]!.heldBy).toBe(winner);
    expect(lost[0]!.message.fr).toContain(`déjà prêté à ${winner}`);
    const pc = row('Computer', Number(id.remoteId));
    expect(glpiDecode(String(pc.contact))).toBe(winner);
    expect(reservationsOf(riOf('Computer', Number(id.remoteId))!.id)).toHaveLength(1);
    // The overlap was refused by GLPI itself: its request log shows the 400.
    expect(glpi.requests.filter((q) => q.method === 'POST' && q.path === '/Reservation' && q.status === 400).length).toBeGreaterThanOrEqual(1);
  });

  it('pickup slots: an overlapping reservation is refused with who booked it, back-to-back accepted, a cancelled slot frees the time', async () => {
    const it2 = item({ type: 'casque', model: 'Jabra Evolve 40', serial: null });
    const id = ((await remote().apply({ kind: 'item', item: it2 })) as { remoteId: string }).remoteId;
    const peripheral = row('Peripheral', Number(id));
    expect(glpiDecode(String(peripheral.name))).toBe(it2.tag);
    const withId = { ...it2, remoteId: id, state: 'reserve' as const };
    const r = remote();
    expect((await r.apply({ kind: 'reserve', item: withId, agent: dupre, begin: '2026-12-03T09:00:00.000Z', end: '2026-12-03T10:00:00.000Z', reservationKey: 'resa-1' })).status).toBe('done');
    const clash = await r.apply({ kind: 'reserve', item: withId, agent: martin, begin: '2026-12-03T09:30:00.000Z', end: '2026-12-03T11:00:00.000Z', reservationKey: 'resa-2' });
    expect(clash).toMatchObject({ status: 'conflict', heldBy: 'Jeanne Dupré' });
    expect((clash as { message: { fr: string } }).message.fr).toContain('déjà réservé');
    expect((await r.apply({ kind: 'reserve', item: withId, agent: martin, begin: '2026-12-03T10:00:00.000Z', end: '2026-12-03T11:00:00.000Z', reservationKey: 'resa-3' })).status).toBe('done');
    const ri = riOf('Peripheral', Number(id))!;
    expect(reservationsOf(ri.id).map((x) => [x.begin, x.end])).toEqual([
      ['2026-12-03 10:00:00', '2026-12-03 11:00:00'],
      ['2026-12-03 11:00:00', '2026-12-03 12:00:00'],
    ]);
    expect(stateName(row('Peripheral', Number(id)).states_id)).toBe(GLPI_LOAN_STATES.reserve);
    expect((await r.apply({ kind: 'cancelReservation', item: withId, reservationKey: 'resa-1' })).status).toBe('done');
    expect((await r.apply({ kind: 'cancelReservation', item: withId, reservationKey: 'resa-1' })).status).toBe('done');
    expect(reservationsOf(ri.id)).toHaveLength(1);
    expect((await r.apply({ kind: 'reserve', item: withId, agent: martin, begin: '2026-12-03T09:00:00.000Z', end: '2026-12-03T10:00:00.000Z', reservationKey: 'resa-4' })).status).toBe('done');
    // Paul Martin picks the headset up in his 09:00 slot: the slot becomes the loan, nothing overlaps.
    const pickup = await r.apply({ kind: 'checkout', item: { ...withId, state: 'prete' }, agent: martin, ticketRemoteId: null, startAt: '2026-12-03T09:05:00.000Z', dueAt: '2026-12-10T17:00:00.000Z' });
    expect(pickup.status).toBe('done');
    expect(reservationsOf(ri.id).map((x) => [x.begin, x.end])).toEqual([['2026-12-03 10:05:00', '2026-12-10 18:00:00']]);
    expect(glpiDecode(String(row('Peripheral', Number(id)).contact))).toBe('Paul Martin');
    expect(row('Peripheral', Number(id)).users_id).toBe(0); // no GLPI account: the name is in "contact"
  });

  it('the answer to the reservation is lost after GLPI stored it: the retry finds it, one reservation only', async () => {
    const it3 = item({ type: 'clé 4G', model: 'Huawei E3372', serial: '8633' });
    const id = ((await remote().apply({ kind: 'item', item: it3 })) as { remoteId: string }).remoteId;
    glpi.dropAnswers('Reservation', 1);
    const op: LoanRemoteOp = { kind: 'checkout', item: { ...it3, remoteId: id, state: 'prete' }, agent: dupre, ticketRemoteId: null, startAt: '2026-12-04T09:00:00.000Z', dueAt: '2026-12-11T17:00:00.000Z' };
    expect(await remote().apply(op)).toEqual({ status: 'done', remoteId: id });
    expect(glpi.requests.some((q) => q.method === 'POST' && q.path === '/Reservation' && q.status === 0)).toBe(true);
    expect(reservationsOf(riOf('Peripheral', Number(id))!.id)).toHaveLength(1);
    expect(await remote().apply(op)).toEqual({ status: 'done', remoteId: id });
    expect(reservationsOf(riOf('Peripheral', Number(id))!.id)).toHaveLength(1);
    expect(glpiDecode(String(row('Peripheral', Number(id)).contact))).toBe('Jeanne Dupré');
  });

  it('an item sent to repair is withdrawn from reservation (is_active 0) and Relais books nothing on it', async () => {
    const it4 = item({ type: 'telephone', model: 'Samsung A54' });
    const id = ((await remote().apply({ kind: 'item', item: it4 })) as { remoteId: string }).remoteId;
    expect(row('Phone', Number(id))).toBeDefined();
    expect((await remote().apply({ kind: 'state', item: { ...it4, remoteId: id, state: 'en_reparation' }, reason: 'écran cassé' })).status).toBe('done');
    expect(stateName(row('Phone', Number(id)).states_id)).toBe(GLPI_LOAN_STATES.en_reparation);
    const ri = riOf('Phone', Number(id))!;
    expect(ri.is_active).toBe(0);
    const res = await remote().apply({ kind: 'reserve', item: { ...it4, remoteId: id, state: 'reserve' }, agent: dupre, begin: '2026-12-05T09:00:00.000Z', end: '2026-12-05T10:00:00.000Z', reservationKey: 'resa-phone' });
    expect(res).toMatchObject({ status: 'conflict' });
    expect((res as { message: { fr: string } }).message.fr).toContain('indisponible');
    expect(reservationsOf(ri.id)).toHaveLength(0);
  });

  it('a period that ends before it starts is refused before anything reaches GLPI', async () => {
    const it5 = item();
    const before = glpi.requests.length;
    const err = await remote()
      .apply({ kind: 'reserve', item: it5, agent: dupre, begin: '2026-12-05T10:00:00.000Z', end: '2026-12-05T09:00:00.000Z', reservationKey: 'resa-bad' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RelaisError);
    expect((err as RelaisError).code).toBe('LOAN_GLPI_DATES');
    expect((err as RelaisError).messages.fr).toContain('la fin doit suivre le début');
    expect(glpi.requests.slice(before).filter((q) => q.method !== 'GET')).toEqual([]);
  });
});
