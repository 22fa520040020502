/**
 * Seats as GLPI software licences, against the GLPI test double (test/services/glpi-fake.ts +
 * glpi-licences-fake.ts): the pool is a licence whose `number` is the capacity, one child
 * licence per organisation for the quotas, seats are `Item_SoftwareLicense` rows (GLPI 10) or
 * `SoftwareLicense_User` (GLPI 11). GLPI does not enforce `number` through its API, so two
 * consoles can both write the last seat: the re-read shows it, the later writer rolls back.
 * Through the service: offline, then exactly once after a lost answer.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { glpiDecode, startGlpiFake, type GlpiFake, type GlpiFakeOptions } from '../../services/glpi-fake';
import { startFaultProxy, type FaultProxy } from '../../services/fault-proxy';
import { createGlpiSeatLicences, GLPI_SEAT_SOFTWARE } from '../../../src/features/seats/glpi-licences';
import { RelaisError } from '../../../src/base/errors';
import { assignTwoRevokeOne, makeSeatsHarness, VPN_POOL, type SeatsHarness } from './harness';

let glpi: GlpiFake;
let proxy: FaultProxy | null = null;
let h: SeatsHarness | null = null;
const clients: ReturnType<typeof createGlpiSeatLicences>[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
  await h?.close();
  h = null;
  await proxy?.close();
  proxy = null;
  await glpi?.close();
});

async function start(opts: GlpiFakeOptions = {}) {
  glpi = await startGlpiFake(opts);
  return glpi;
}
const client = (entities: Record<string, number> = {}) => {
  const c = createGlpiSeatLicences({ url: glpi.url, userToken: () => glpi.userToken, appToken: () => glpi.appToken, entities: () => entities });
  clients.push(c);
  return c;
};
/** Raw HTTP, not through Relais: what GLPI itself holds. */
async function raw(method: string, path: string, input?: unknown) {
  const session = ((await (await fetch(`${glpi.url}/initSession`, { headers: { Authorization: `user_token ${glpi.userToken}`, 'App-Token': glpi.appToken } })).json()) as { session_token: string }).session_token;
  const r = await fetch(`${glpi.url}${path}`, { method, headers: { 'App-Token': glpi.appToken, 'Session-Token': session, 'Content-Type': 'application/json' }, body: input === undefined ? undefined : JSON.stringify({ input }) });
  return { status: r.status, body: (await r.json()) as any };
}
const licenceNamed = (name: string) => glpi.licences.licences().find((l) => glpiDecode(String(l.name)) === name)!;
const PLAN = { name: 'VPN agents', capacity: 3, shares: [{ organisation: 'Ville', quota: 2 }, { organisation: 'Métropole', quota: 1 }] };
const ville = { organisationId: 'ville', organisation: 'Ville', chargedTo: 'Ville' };
const metropole = { organisationId: 'metropole', organisation: 'Métropole', chargedTo: 'Métropole' };

describe('the GLPI double: software licences as GLPI documents them', () => {
  it('child licences, number defaulting to 1, no seat count enforced through the API, is_valid computed', async () => {
    await start();
    const parent = (await raw('POST', '/SoftwareLicense', { name: 'Pool', number: 1 })).body.id;
    const child = await raw('POST', '/SoftwareLicense', { name: 'Pool Ville', softwarelicenses_id: parent });
    expect(child.status).toBe(201);
    const c = (await raw('GET', `/SoftwareLicense/${child.body.id}`)).body;
    expect([c.number, c.softwarelicenses_id, c.level, glpiDecode(c.completename)]).toEqual([1, parent, 2, 'Pool > Pool Ville']);
    expect((await raw('GET', `/SoftwareLicense/${parent}/SoftwareLicense?range=0-9`)).body.map((l: any) => l.id)).toEqual([child.body.id]);
    for (const user of [2, 4]) expect((await raw('POST', '/Item_SoftwareLicense', { softwarelicenses_id: parent, itemtype: 'User', items_id: user })).status).toBe(201);
    expect((await raw('GET', `/SoftwareLicense/${parent}`)).body.is_valid).toBe(0); // 2 seats for 1: accepted, flagged only
    expect((await raw('PUT', `/SoftwareLicense/${parent}`, { number: 2 })).status).toBe(200);
    expect((await raw('GET', `/SoftwareLicense/${parent}`)).body.is_valid).toBe(1);
    expect((await raw('POST', '/SoftwareLicense_User', { softwarelicenses_id: parent, users_id: 5 })).status).toBe(400); // GLPI 10 has no such table
  });
});

describe('seats as GLPI licences', () => {
  it('creates the pool and its quotas, reads them back, adjusts them without duplicating', async () => {
    await start();
    const seats = client({ Ville: 2, Métropole: 1 });
    const read = await seats.prepare(PLAN);

    const parent = licenceNamed('VPN agents');
    const software = glpi.rows('Software').find((s) => glpiDecode(String(s.name)) === GLPI_SEAT_SOFTWARE)!;
    expect([parent.number, parent.softwarelicenses_id, parent.softwares_id, parent.entities_id, parent.is_valid]).toEqual([3, 0, software.id, 0, 1]);
    const villeL = licenceNamed('VPN agents — Ville');
    const metroL = licenceNamed('VPN agents — Métropole');
    expect([villeL.number, villeL.softwarelicenses_id, villeL.entities_id, glpiDecode(String(villeL.completename))]).toEqual([2, parent.id, 2, 'VPN agents > VPN agents — Ville']);
    expect([metroL.number, metroL.softwarelicenses_id, metroL.entities_id]).toEqual([1, parent.id, 1]);

    expect(read).toEqual({
      licenceId: String(parent.id),
      name: 'VPN agents',
      capacity: 3,
      isValid: true,
      shares: [
        { organisation: 'Ville', licenceId: String(villeL.id), quota: 2, entitiesId: 2, isValid: true, used: 0 },
        { organisation: 'Métropole', licenceId: String(metroL.id), quota: 1, entitiesId: 1, isValid: true, used: 0 },
      ],
      seats: [],
    });

    // Prepared again with a larger Ville quota: the same licences, numbers adjusted.
    const count = glpi.licences.licences().length;
    await seats.prepare({ ...PLAN, capacity: 4, shares: [{ organisation: 'Ville', quota: 3 }, { organisation: 'Métropole', quota: 1 }] });
    expect(glpi.licences.licences()).toHaveLength(count);
    expect(glpi.rows('Software')).toHaveLength(1);
    expect([licenceNamed('VPN agents').number, licenceNamed('VPN agents — Ville').number]).toEqual([4, 3]);
  });

  it('assign and release: one Item_SoftwareLicense row, field by field, on the organisation’s licence', async () => {
    await start();
    const dupre = glpi.addUser({ name: 'agent-dupre' });
    const seats = client();
    await seats.prepare(PLAN);
    expect(await seats.seatItemtype()).toBe('Item_SoftwareLicense');
    expect(await seats.holds('VPN agents', 'agent-dupre')).toBe(false);

    const given = await seats.assign('VPN agents', 'agent-dupre', ville);
    const villeL = licenceNamed('VPN agents — Ville');
    const rows = glpi.licences.seatsOf(villeL.id);
    expect(rows).toHaveLength(1);
    expect([rows[0]!.itemtype, rows[0]!.items_id, rows[0]!.softwarelicenses_id, rows[0]!.is_deleted]).toEqual(['User', dupre, villeL.id, 0]);
    expect(given).toEqual({ id: String(rows[0]!.id), licenceId: String(villeL.id), userId: String(dupre) });
    expect(glpi.licences.seatsOf(licenceNamed('VPN agents').id)).toEqual([]);
    expect(await seats.holds('VPN agents', 'agent-dupre')).toBe(true);
    // Assigned again (a push whose answer was lost): the same row, no second one.
    await seats.assign('VPN agents', 'agent-dupre', ville);
    expect(glpi.licences.seatsOf(villeL.id)).toHaveLength(1);
    expect((await seats.read('VPN agents'))!.shares.map((s) => [s.organisation, s.used])).toEqual([['Ville', 1], ['Métropole', 0]]);

    expect(await seats.release('VPN agents', 'agent-dupre')).toBe(true);
    expect(glpi.licences.seatsOf(villeL.id)).toEqual([]);
    expect(await seats.release('VPN agents', 'agent-dupre')).toBe(false);

    const noUser = await seats.assign('VPN agents', 'agent-inconnu', ville).catch((e: RelaisError) => e);
    expect(noUser).toBeInstanceOf(RelaisError);
    expect((noUser as RelaisError).code).toBe('SEAT_GLPI_NO_USER');
    expect((noUser as RelaisError).messages.fr).toContain("GLPI n'a pas de compte « agent-inconnu »");
  });

  it('GLPI 11: seats are SoftwareLicense_User rows', async () => {
    await start({ version: '11.0.1' });
    const martin = glpi.addUser({ name: 'agent-martin' });
    const seats = client();
    await seats.prepare(PLAN);
    expect(await seats.seatItemtype()).toBe('SoftwareLicense_User');
    await seats.assign('VPN agents', 'agent-martin', metropole);
    const rows = glpi.licences.seatsOf(licenceNamed('VPN agents — Métropole').id);
    expect(rows.map((r) => [r.users_id, r.softwarelicenses_id])).toEqual([[martin, licenceNamed('VPN agents — Métropole').id]]);
    expect(glpi.rows('Item_SoftwareLicense')).toEqual([]);
    expect(await seats.release('VPN agents', 'agent-martin')).toBe(true);
    expect(glpi.rows('SoftwareLicense_User')).toEqual([]);
  });

  it('two consoles write the last seat at once: both succeed at the API, the later one rolls back', async () => {
    await start();
    for (const u of ['agent-dupre', 'agent-martin', 'agent-garcia']) glpi.addUser({ name: u });
    const a = client();
    const b = client();
    await a.prepare({ name: 'VPN dernier', capacity: 2, shares: [] });
    await a.assign('VPN dernier', 'agent-dupre', { organisationId: null, organisation: null, chargedTo: null });
    // Both consoles read one free seat before either write lands; GLPI accepts both writes.
    glpi.licences.gateAssignments(2);
    const results = await Promise.allSettled([a.assign('VPN dernier', 'agent-martin', metropole), b.assign('VPN dernier', 'agent-garcia', ville)]);
    const posts = glpi.requests.filter((r) => r.method === 'POST' && r.path === '/Item_SoftwareLicense');
    expect(posts.map((r) => r.status)).toEqual([201, 201, 201]);

    const won = results.filter((r): r is PromiseFulfilledResult<{ id: string; licenceId: string; userId: string | null }> => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    const e = lost[0]!.reason as RelaisError;
    expect(e.code).toBe('SEAT_GLPI_OVER_QUOTA');
    expect(e.details).toMatchObject({ used: 3, limit: 2, organisation: null, rolledBack: true });
    expect(e.messages.fr).toContain('une autre console a attribué la dernière place en même temps');
    expect(e.messages.fr).toContain("L'attribution faite par Relais a été retirée de GLPI");
    expect(e.messages.en).toContain("Relais's assignment was removed from GLPI");

    // Exactly two seats remain: the first holder and the earlier of the two writes.
    const left = glpi.licences.seatsOf(licenceNamed('VPN dernier').id);
    expect(left).toHaveLength(2);
    const deleted = glpi.requests.filter((r) => r.method === 'DELETE' && r.path.startsWith('/Item_SoftwareLicense/'));
    expect(deleted).toHaveLength(1);
    expect(Number(deleted[0]!.path.split('/').pop())).toBeGreaterThan(Number(won[0]!.value.id));
    expect(left.map((r) => String(r.id))).toContain(won[0]!.value.id);
    expect(licenceNamed('VPN dernier').is_valid).toBe(1);
  });

  it('the same race on an organisation’s quota: "quota Ville atteint", one kept', async () => {
    await start();
    for (const u of ['agent-dupre', 'agent-garcia']) glpi.addUser({ name: u });
    const a = client();
    const b = client();
    await a.prepare({ name: 'VPN quota', capacity: 5, shares: [{ organisation: 'Ville', quota: 1 }] });
    glpi.licences.gateAssignments(2);
    const results = await Promise.allSettled([a.assign('VPN quota', 'agent-dupre', ville), b.assign('VPN quota', 'agent-garcia', ville)]);
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect((lost[0]!.reason as RelaisError).messages.fr).toContain('quota Ville atteint : 2/1');
    expect(glpi.licences.seatsOf(licenceNamed('VPN quota — Ville').id)).toHaveLength(1);
  });

  it('a seat taken in GLPI’s interface first: nothing is written, the console is told why', async () => {
    await start();
    const other = glpi.addUser({ name: 'agent-autre' });
    glpi.addUser({ name: 'agent-dupre' });
    const seats = client();
    await seats.prepare({ name: 'VPN plein', capacity: 1, shares: [] });
    glpi.licences.assignInUi(licenceNamed('VPN plein').id, other);
    const e = (await seats.assign('VPN plein', 'agent-dupre', ville).catch((x: RelaisError) => x)) as RelaisError;
    expect(e.code).toBe('SEAT_GLPI_OVER_QUOTA');
    expect(e.messages.fr).toContain("Rien n'a été attribué dans GLPI");
    expect(glpi.requests.filter((r) => r.method === 'POST' && r.path === '/Item_SoftwareLicense')).toEqual([]);
  });
});

describe('seats pushed to GLPI through the service', () => {
  it('works offline, then pushes exactly once when GLPI is back (also after a lost answer)', async () => {
    await start();
    for (const u of ['agent-dupre', 'agent-martin']) glpi.addUser({ name: u });
    proxy = await startFaultProxy({ host: '127.0.0.1', port: Number(new URL(glpi.url).port) });
    h = makeSeatsHarness();
    await h.call('sync.configure', { kind: 'glpi', url: `${proxy.url}/apirest.php`, token: glpi.userToken, appToken: glpi.appToken });
    const pool = await h.call('seats.createPool', { ...VPN_POOL, name: 'VPN sync', capacity: 3, shares: [{ organisationId: 'ville', quota: 2, lendable: false }, { organisationId: 'metropole', quota: 1, lendable: false }] });

    // The organisation → GLPI entity mapping (the GLPI mappings' `entities`), as Settings › Correspondances stores it.
    h.service.core.db.prepare("INSERT OR REPLACE INTO sync_state (key, value) VALUES ('glpi.mappings', ?)").run(JSON.stringify({ teams: {}, technicians: {}, entities: { Ville: 2, Métropole: 1 } }));
    proxy.setPlan(() => 'drop');
    // Offline: the hotline still assigns and revokes; nothing is lost.
    await assignTwoRevokeOne(h, pool.id);
    const offline = await h.call('seats.sync');
    expect(offline).toMatchObject({ pushed: 0, pending: 3 });
    expect(offline.stoppedBy.code).toBe('SEAT_GLPI_OFFLINE');
    expect(offline.stoppedBy.message.fr).toContain('GLPI est injoignable');
    expect(offline.stoppedBy.message.fr).toContain('restent en attente');

    // Back, but the answer to the first seat is lost after GLPI committed it.
    proxy.setPlan(() => 'pass');
    glpi.dropAnswers('Item_SoftwareLicense', 1);
    const lostAnswer = await h.call('seats.sync');
    expect(lostAnswer).toMatchObject({ pushed: 0, pending: 3 });
    expect(lostAnswer.stoppedBy.code).toBe('SEAT_GLPI_OFFLINE');

    const online = await h.call('seats.syncRt'); // the former name does the same
    expect(online).toMatchObject({ pushed: 3, pending: 0, stoppedBy: null, attention: [] });
    const posts = glpi.requests.filter((r) => r.method === 'POST' && r.path === '/Item_SoftwareLicense');
    expect(posts.map((r) => r.status)).toEqual([0, 201]); // dupre's (answer lost) and martin's: one each
    const metroL = licenceNamed('VPN sync — Métropole');
    expect(glpi.rows('Item_SoftwareLicense').map((r) => [r.softwarelicenses_id, glpiDecode(String(glpi.rows('User').find((u) => u.id === r.items_id)!.name))])).toEqual([[metroL.id, 'agent-martin']]);
    expect([licenceNamed('VPN sync').number, licenceNamed('VPN sync — Ville').number, metroL.number]).toEqual([3, 2, 1]);
    expect([licenceNamed('VPN sync').entities_id, licenceNamed('VPN sync — Ville').entities_id, metroL.entities_id]).toEqual([0, 2, 1]);
    expect(await h.call('seats.sync')).toMatchObject({ pushed: 0, pending: 0 });
    expect(glpi.rows('Item_SoftwareLicense')).toHaveLength(1);
  }, 60_000);

  it('GLPI full because another console took the seat: the change is parked with the reason, audited, nothing left in GLPI', async () => {
    await start();
    const other = glpi.addUser({ name: 'agent-autre' });
    glpi.addUser({ name: 'agent-garcia' });
    h = makeSeatsHarness();
    await h.call('sync.configure', { kind: 'glpi', url: glpi.url, token: glpi.userToken, appToken: glpi.appToken });
    const pool = await h.call('seats.createPool', { ...VPN_POOL, name: 'VPN course', capacity: 2, shares: [{ organisationId: 'ville', quota: 1, lendable: false }] });
    expect(await h.call('seats.sync')).toMatchObject({ pushed: 0, pending: 0 });
    // Nothing queued yet, so the pool is created on the first push; another console fills Ville's quota.
    await h.call('seats.assign', { poolId: pool.id, holder: { name: 'Ana Garcia', login: 'agent-garcia', organisationId: 'ville', reason: 'télétravail' } });
    const before = await h.call('seats.sync');
    expect(before).toMatchObject({ pushed: 1, pending: 0 });
    await h.call('seats.revoke', { seatId: (await h.call('seats.ofHolder', { login: 'agent-garcia' })).seats[0].id, reason: 'essai' });
    await h.call('seats.sync');
    glpi.licences.assignInUi(licenceNamed('VPN course — Ville').id, other);

    await h.call('seats.assign', { poolId: pool.id, holder: { name: 'Ana Garcia', login: 'agent-garcia', organisationId: 'ville', reason: 'astreinte' } });
    const r = await h.call('seats.sync');
    expect(r).toMatchObject({ pushed: 0, pending: 0, stoppedBy: null });
    expect(r.attention).toHaveLength(1);
    expect(r.attention[0]).toMatchObject({ op: 'assign', login: 'agent-garcia', pool: 'VPN course' });
    expect(r.attention[0].message).toContain('quota Ville atteint : 2/1');
    expect(r.attention[0].message).toContain('révoquez-la ou remettez la demande en liste d\'attente');
    expect(glpi.licences.seatsOf(licenceNamed('VPN course — Ville').id).map((s) => s.items_id)).toEqual([other]);
    const audit = h.service.core.db.prepare("SELECT details FROM audit WHERE action = 'seat.sync.race'").all() as { details: string }[];
    expect(audit.map((a) => JSON.parse(a.details))).toEqual([{ pool: 'VPN course', holder: 'agent-garcia', server: 'glpi' }]);
  }, 60_000);
});
