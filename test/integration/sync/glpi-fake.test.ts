/**
 * The GLPI test double against docs/glpi-observed.md: one test per observed behaviour of a real
 * GLPI 10.0.18, spoken to over raw HTTP (not through the connector), so the double cannot
 * drift towards the connector's assumptions.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { glpiDecode, startGlpiFake, type GlpiFake } from '../../services/glpi-fake';

let glpi: GlpiFake;
let session: string;
beforeEach(async () => {
  glpi = await startGlpiFake();
  session = (await (await api('GET', '/initSession', undefined, { Authorization: `user_token ${glpi.userToken}` })).json()).session_token;
});
afterEach(() => glpi.close());

async function api(method: string, path: string, input?: unknown, headers: Record<string, string> = {}, appToken: string | null = null) {
  const h: Record<string, string> = { 'Content-Type': 'application/json', ...headers };
  const app = appToken ?? glpi.appToken;
  if (app) h['App-Token'] = app;
  if (session && !('Authorization' in headers) && !path.startsWith('/initSession')) h['Session-Token'] = session;
  return fetch(`${glpi.url}${path}`, { method, headers: h, body: input === undefined ? undefined : JSON.stringify({ input }) });
}
const json = async (r: Response) => (await r.json()) as Record<string, unknown> & unknown[];
const create = async (itemtype: string, input: Record<string, unknown>) => {
  const r = await api('POST', `/${itemtype}`, input);
  expect(r.status).toBe(201);
  return Number((await json(r)).id);
};

describe('GLPI 10.0.18 test double: sessions and lists', () => {
  it('initSession: Basic auth or user_token (header or query) plus App-Token; wrong password 401; wrong or missing App-Token 400', async () => {
    const basic = (login: string, pw: string) => ({ Authorization: `Basic ${Buffer.from(`${login}:${pw}`).toString('base64')}` });
    expect((await api('GET', '/initSession', undefined, basic('glpi', 'glpi'))).status).toBe(200);
    expect((await api('GET', '/initSession', undefined, basic('glpi', 'wrong'))).status).toBe(401);
    expect((await api('GET', `/initSession?user_token=${glpi.userToken}`, undefined, { Authorization: '' })).status).toBe(200);
    const wrongApp = await api('GET', '/initSession', undefined, { Authorization: `user_token ${glpi.userToken}` }, 'not-the-app-token');
    expect(wrongApp.status).toBe(400);
    expect((await json(wrongApp))[0]).toBe('ERROR_WRONG_APP_TOKEN_PARAMETER');
    const h: Record<string, string> = { Authorization: `user_token ${glpi.userToken}` };
    const missing = await fetch(`${glpi.url}/initSession`, { headers: h });
    expect(missing.status).toBe(400);
  });

  it('after killSession the token gives 401; an expired session gives 401 and re-initialising works', async () => {
    expect((await api('GET', '/getFullSession')).status).toBe(200);
    expect((await api('GET', '/killSession')).status).toBe(200);
    expect((await api('GET', '/getFullSession')).status).toBe(401);
    session = (await json(await api('GET', '/initSession', undefined, { Authorization: `user_token ${glpi.userToken}` }))).session_token as unknown as string;
    glpi.expireSessions();
    const expired = await api('GET', '/getFullSession');
    expect(expired.status).toBe(401);
    expect((await json(expired))[0]).toBe('ERROR_SESSION_TOKEN_INVALID');
    session = (await json(await api('GET', '/initSession', undefined, { Authorization: `user_token ${glpi.userToken}` }))).session_token as unknown as string;
    expect((await api('GET', '/getFullSession')).status).toBe(200);
  });

  it('a partial list answers 206 with Content-Range start-end/total', async () => {
    for (let i = 0; i < 33; i++) await create('Computer', { name: `PC-${i}` });
    const r = await api('GET', '/Computer?range=0-9');
    expect(r.status).toBe(206);
    expect(r.headers.get('content-range')).toBe('0-9/33');
    expect(await json(r)).toHaveLength(10);
    const all = await api('GET', '/Computer?range=0-99');
    expect(all.status).toBe(200);
    expect(all.headers.get('content-range')).toBe('0-32/33');
  });

  it('without range: list_limit (20) rows, header off by one (0-20/33); search/ count 20 and 0-19/33; with range the header is right', async () => {
    for (let i = 0; i < 33; i++) glpi.addTicket({ name: `T${i}` });
    for (let i = 0; i < 33; i++) await create('Computer', { name: `PC-${i}` });
    const list = await api('GET', '/Computer');
    expect(await json(list)).toHaveLength(20);
    expect(list.headers.get('content-range')).toBe('0-20/33');
    const search = await api('GET', '/search/Ticket');
    const body = await json(search);
    expect(body.count).toBe(20);
    expect(search.headers.get('content-range')).toBe('0-19/33');
    const ranged = await api('GET', '/search/Ticket?range=20-39');
    expect(ranged.headers.get('content-range')).toBe('20-32/33');
    expect((await json(ranged)).count).toBe(13);
  });

  it('Reservation has no search options: GET /Reservation?range= and GET /ReservationItem/:id/Reservation work', async () => {
    const opts = await json(await api('GET', '/listSearchOptions/Reservation'));
    expect(Object.keys(opts)).toEqual(['common']);
    const pc = await create('Computer', { name: 'PC-PRET-1' });
    const ri = await create('ReservationItem', { itemtype: 'Computer', items_id: pc, is_active: 1 });
    await create('Reservation', { reservationitems_id: ri, begin: '2026-03-02 08:00:00', end: '2026-03-02 12:00:00', users_id: 2 });
    expect(await json(await api('GET', '/Reservation?range=0-49'))).toHaveLength(1);
    expect(await json(await api('GET', `/ReservationItem/${ri}/Reservation`))).toHaveLength(1);
  });
});

describe('GLPI 10.0.18 test double: text', () => {
  it('rich text comes back entity-encoded from GET /Ticket/:id, search/ field 21 and follow-ups', async () => {
    const id = await create('Ticket', { name: 'Texte', content: 'x <b>y</b> & z' });
    const encoded = 'x &#60;b&#62;y&#60;/b&#62; &#38; z';
    expect((await json(await api('GET', `/Ticket/${id}`))).content).toBe(encoded);
    const s = await json(await api('GET', `/search/Ticket?forcedisplay[0]=21&range=0-9`));
    expect((s.data as Record<string, unknown>[])[0]![21]).toBe(encoded);
    await create('ITILFollowup', { itemtype: 'Ticket', items_id: id, content: 'x <b>y</b> & z' });
    expect((await json(await api('GET', `/Ticket/${id}/ITILFollowup?range=0-9`)))[0]).toMatchObject({ content: encoded });
  });
});

describe('GLPI 10.0.18 test double: tickets, groups, users', () => {
  it('a fresh GLPI has no groups and only the users glpi, tech, normal, post-only', async () => {
    expect(await json(await api('GET', '/Group?range=0-99'))).toEqual([]);
    const users = (await json(await api('GET', '/User?range=0-99'))).map((u) => (u as { name: string }).name);
    expect(users.sort()).toEqual(['glpi', 'normal', 'post-only', 'tech']);
  });

  it('POST /Ticket with status 1 and _groups_id_assign creates the ticket with status 2', async () => {
    const g = await create('Group', { name: 'Hotline', is_assign: 1 });
    const id = await create('Ticket', { name: 'Routé', content: 'c', status: 1, _groups_id_assign: g });
    expect((await json(await api('GET', `/Ticket/${id}`))).status).toBe(2);
    const plain = await create('Ticket', { name: 'Nouveau', content: 'c', status: 1 });
    expect((await json(await api('GET', `/Ticket/${plain}`))).status).toBe(1);
  });

  it('PUT _groups_id_assign adds the group beside the old one (Group_Ticket holds both, type 2); replacing means deleting the old row', async () => {
    const a = await create('Group', { name: 'Hotline' });
    const b = await create('Group', { name: 'SIG' });
    const id = await create('Ticket', { name: 'R', content: 'c', _groups_id_assign: a });
    await api('PUT', `/Ticket/${id}`, { _groups_id_assign: b });
    const rows = (await json(await api('GET', `/Ticket/${id}/Group_Ticket?range=0-9`))) as unknown as { id: number; groups_id: number; type: number }[];
    expect(rows.map((r) => [r.groups_id, r.type])).toEqual([[a, 2], [b, 2]]);
    const s = await json(await api('GET', `/search/Ticket?criteria[0][field]=2&criteria[0][searchtype]=equals&criteria[0][value]=${id}&forcedisplay[0]=8&range=0-0`));
    expect((s.data as Record<string, unknown>[])[0]![8]).toEqual(['Hotline', 'SIG']);
    expect((await api('DELETE', `/Group_Ticket/${rows[0]!.id}`)).status).toBe(200);
    const after = await json(await api('GET', `/search/Ticket?criteria[0][field]=2&criteria[0][searchtype]=equals&criteria[0][value]=${id}&forcedisplay[0]=8&range=0-0`));
    expect((after.data as Record<string, unknown>[])[0]![8]).toBe('SIG');
  });

  it('search/Ticket field 5 is the technician user id as a string', async () => {
    const id = await create('Ticket', { name: 'T', content: 'c', _users_id_assign: 4 });
    const s = await json(await api('GET', `/search/Ticket?criteria[0][field]=2&criteria[0][searchtype]=equals&criteria[0][value]=${id}&forcedisplay[0]=5&range=0-0`));
    expect((s.data as Record<string, unknown>[])[0]![5]).toBe('4');
  });

  it('PUT status 5 solves without an ITILSolution; a solution entered in GLPI is an ITILSolution row holding the text', async () => {
    const id = await create('Ticket', { name: 'T', content: 'c' });
    await api('PUT', `/Ticket/${id}`, { status: 5 });
    expect((await json(await api('GET', `/Ticket/${id}`))).status).toBe(5);
    expect(await json(await api('GET', `/Ticket/${id}/ITILSolution?range=0-9`))).toEqual([]);
    const other = await create('Ticket', { name: 'T2', content: 'c' });
    glpi.ui.solve(other, '<p>Câble remplacé</p>');
    const sol = await json(await api('GET', `/Ticket/${other}/ITILSolution?range=0-9`));
    expect(glpiDecode((sol[0] as { content: string }).content)).toBe('<p>Câble remplacé</p>');
    expect(await json(await api('GET', `/Ticket/${other}/ITILFollowup?range=0-9`))).toEqual([]);
  });

  it('an ITILFollowup moves the ticket date_mod and changes no field', async () => {
    glpi.setClock('2026-02-01T08:00:00Z');
    const id = await create('Ticket', { name: 'T', content: 'c' });
    const before = await json(await api('GET', `/Ticket/${id}`));
    glpi.setClock('2026-02-01T09:30:00Z');
    await create('ITILFollowup', { itemtype: 'Ticket', items_id: id, content: 'suivi' });
    const after = await json(await api('GET', `/Ticket/${id}`));
    expect(after.date_mod).not.toBe(before.date_mod);
    const { date_mod: _a, ...restBefore } = before as Record<string, unknown>;
    const { date_mod: _b, ...restAfter } = after as Record<string, unknown>;
    expect(restAfter).toEqual(restBefore);
  });

  it('DELETE puts the ticket in the trash: search/Ticket no longer finds it, GET answers is_deleted 1', async () => {
    const id = await create('Ticket', { name: 'Poubelle', content: 'c' });
    expect((await api('DELETE', `/Ticket/${id}`)).status).toBe(200);
    const s = await json(await api('GET', `/search/Ticket?criteria[0][field]=1&criteria[0][searchtype]=contains&criteria[0][value]=Poubelle&range=0-9`));
    expect(s.totalcount).toBe(0);
    expect((await json(await api('GET', `/Ticket/${id}`))).is_deleted).toBe(1);
  });

  it('an unknown itilcategories_id is stored as 0 without an error', async () => {
    const r = await api('POST', '/Ticket', { name: 'T', content: 'c', itilcategories_id: 999 });
    expect(r.status).toBe(201);
    expect((await json(await api('GET', `/Ticket/${(await json(r)).id}`))).itilcategories_id).toBe(0);
  });

  it("dates are in the server's time zone as YYYY-MM-DD hh:mm:ss without an offset", async () => {
    glpi.setClock('2026-07-14T10:00:00Z');
    const id = await create('Ticket', { name: 'T', content: 'c' });
    const t = await json(await api('GET', `/Ticket/${id}`));
    expect(t.date_mod).toBe('2026-07-14 12:00:00'); // Europe/Paris in summer
    glpi.setClock('2026-01-14T10:00:00Z');
    await api('PUT', `/Ticket/${id}`, { urgency: 4 });
    expect((await json(await api('GET', `/Ticket/${id}`))).date_mod).toBe('2026-01-14 11:00:00');
    const cfg = await json(await api('GET', '/getGlpiConfig'));
    expect(cfg.cfg_glpi).toMatchObject({ version: '10.0.18', timezone: 'Europe/Paris' });
  });
});

describe('GLPI 10.0.18 test double: reservations and licences', () => {
  it('ReservationItem makes an asset lendable; overlapping reservations are refused with 400, back-to-back accepted', async () => {
    const pc = await create('Computer', { name: 'PC-PRET-2' });
    const ri = await create('ReservationItem', { itemtype: 'Computer', items_id: pc, is_active: 1 });
    await create('Reservation', { reservationitems_id: ri, begin: '2026-03-02 08:00:00', end: '2026-03-02 12:00:00', users_id: 4 });
    const overlap = await api('POST', '/Reservation', { reservationitems_id: ri, begin: '2026-03-02 11:00:00', end: '2026-03-02 14:00:00', users_id: 5 });
    expect(overlap.status).toBe(400);
    const backToBack = await api('POST', '/Reservation', { reservationitems_id: ri, begin: '2026-03-02 12:00:00', end: '2026-03-02 14:00:00', users_id: 5 });
    expect(backToBack.status).toBe(201);
  });

  it('SoftwareLicense: create, get, update, search; number is the seat count (-1 unlimited), not enforced', async () => {
    const id = await create('SoftwareLicense', { name: 'VPN', number: 2 });
    expect((await json(await api('GET', `/SoftwareLicense/${id}`))).number).toBe(2);
    expect((await api('PUT', `/SoftwareLicense/${id}`, { number: -1 })).status).toBe(200);
    expect((await json(await api('GET', `/SoftwareLicense/${id}`))).number).toBe(-1);
    const s = await json(await api('GET', '/search/SoftwareLicense?criteria[0][field]=1&criteria[0][searchtype]=contains&criteria[0][value]=VPN&forcedisplay[0]=4&range=0-9'));
    expect(s.totalcount).toBe(1);
    await api('PUT', `/SoftwareLicense/${id}`, { number: 1 });
    for (const u of [2, 4, 5]) expect((await api('POST', '/Item_SoftwareLicense', { softwarelicenses_id: id, itemtype: 'User', items_id: u })).status).toBe(201);
  });
});

describe('GLPI 10.0.18 test double: carrying an id people do not read', () => {
  it('an HTML comment is kept in ticket and follow-up content; search field 21 contains finds the ticket', async () => {
    const id = await create('Ticket', { name: 'T', content: '<p>Bonjour</p><!-- relais-op:abc-123 -->' });
    expect(glpiDecode(String((await json(await api('GET', `/Ticket/${id}`))).content))).toBe('<p>Bonjour</p><!-- relais-op:abc-123 -->');
    await create('ITILFollowup', { itemtype: 'Ticket', items_id: id, content: '<p>Suivi</p><!-- relais-op:def-456 -->' });
    expect(glpiDecode(((await json(await api('GET', `/Ticket/${id}/ITILFollowup?range=0-9`)))[0] as { content: string }).content)).toContain('<!-- relais-op:def-456 -->');
    const s = await json(await api('GET', '/search/Ticket?criteria[0][field]=21&criteria[0][searchtype]=contains&criteria[0][value]=abc-123&range=0-9'));
    expect(s.totalcount).toBe(1);
    expect((s.data as Record<string, unknown>[])[0]![2]).toBe(id);
  });

  it('externalid sent at creation is not returned by GET /Ticket/:id and no search option exposes it', async () => {
    const id = await create('Ticket', { name: 'T', content: 'c', externalid: 'relais-xyz' });
    expect((await json(await api('GET', `/Ticket/${id}`))).externalid).toBeNull();
    const opts = await json(await api('GET', '/listSearchOptions/Ticket'));
    expect(JSON.stringify(opts)).not.toContain('externalid');
  });
});

describe('GLPI 10.0.x test double: status side effects (ParentStatus, ITILSolution) and entities', () => {
  const ticket = async (id: number) => json(await api('GET', `/Ticket/${id}`));
  const followup = (id: number, extra: Record<string, unknown> = {}) => api('POST', '/ITILFollowup', { itemtype: 'Ticket', items_id: id, content: 'Suivi', ...extra });

  it('a follow-up reopens a waiting ticket (2 with an assigned group, 1 without), unless it is itself pending', async () => {
    const g = glpi.addGroup('SIG');
    const withGroup = await create('Ticket', { name: 'T', content: 'c', _groups_id_assign: g });
    const alone = await create('Ticket', { name: 'T', content: 'c' });
    for (const id of [withGroup, alone]) await api('PUT', `/Ticket/${id}`, { status: 4 });
    expect((await followup(withGroup, { is_private: 1 })).status).toBe(201);
    expect((await followup(alone)).status).toBe(201);
    expect((await ticket(withGroup)).status).toBe(2);
    expect((await ticket(alone)).status).toBe(1);
    await api('PUT', `/Ticket/${alone}`, { status: 4 });
    await followup(alone, { pending: 1 });
    expect((await ticket(alone)).status).toBe(4);
  });

  it('a plain follow-up leaves a solved ticket solved; add_reopen reopens it, refuses its solution and clears solvedate; an empty one is refused', async () => {
    const id = await create('Ticket', { name: 'T', content: 'c' });
    await create('ITILSolution', { itemtype: 'Ticket', items_id: id, content: 'Fait' });
    const solved = await ticket(id);
    expect(solved.status).toBe(5);
    expect(solved.solvedate).toBe(glpi.now());
    await followup(id);
    expect((await ticket(id)).status).toBe(5);
    const empty = await followup(id, { content: '', add_reopen: 1 });
    expect(empty.status).toBe(400);
    expect((await followup(id, { content: 'Toujours en panne', add_reopen: 1 })).status).toBe(201);
    const reopened = await ticket(id);
    expect([reopened.status, reopened.solvedate]).toEqual([1, null]);
    expect(glpi.solutions(id).map((s) => s.status)).toEqual([4]);
  });

  it('a second solution on a solved or closed ticket is refused; add_close closes a solved ticket and sets closedate', async () => {
    const id = await create('Ticket', { name: 'T', content: 'c' });
    await create('ITILSolution', { itemtype: 'Ticket', items_id: id, content: 'Fait' });
    const again = await api('POST', '/ITILSolution', { itemtype: 'Ticket', items_id: id, content: 'Encore' });
    expect(again.status).toBe(400);
    expect(String((await json(again))[1])).toContain('already solved');
    await followup(id, { add_close: 1 });
    const closed = await ticket(id);
    expect(closed.status).toBe(6);
    expect(closed.closedate).toBe(glpi.now());
    expect((await api('POST', '/ITILSolution', { itemtype: 'Ticket', items_id: id, content: 'Encore' })).status).toBe(400);
  });

  it('entities_id is kept on create (0 when absent, an unknown one refused); a business rule may file the ticket elsewhere', async () => {
    const ville = glpi.addEntity('Ville');
    const metro = glpi.addEntity('Métropole');
    expect((await ticket(await create('Ticket', { name: 'T', content: 'c' }))).entities_id).toBe(0);
    expect((await ticket(await create('Ticket', { name: 'T', content: 'c', entities_id: ville }))).entities_id).toBe(ville);
    expect((await api('POST', '/Ticket', { name: 'T', content: 'c', entities_id: 999 })).status).toBe(400);
    glpi.addTicketRule({ when: (input) => String(input.name).includes('SIG'), entities_id: metro });
    const moved = await create('Ticket', { name: 'Couche SIG', content: 'c', entities_id: ville });
    expect((await ticket(moved)).entities_id).toBe(metro);
    const s = await json(await api('GET', `/search/Ticket?criteria[0][field]=2&criteria[0][searchtype]=equals&criteria[0][value]=${moved}&forcedisplay[0]=80&range=0-0`));
    expect(glpiDecode(String((s.data as Record<string, unknown>[])[0]![80]))).toBe('Entité racine > Métropole');
  });
});
