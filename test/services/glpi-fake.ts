/**
 * A test double of GLPI 10's legacy REST API (`apirest.php`). GLPI cannot run on these
 * machines, so the connector is tested against this server, which reproduces what a real
 * GLPI 10.0.18 was observed to do (`docs/glpi-observed.md`; each line has a test in
 * test/integration/sync/glpi-fake.test.ts) and, beyond that, what GLPI's API documents:
 *
 * - Sessions: `initSession` with Basic auth or `user_token` (header or query) + `App-Token`;
 *   a wrong password/token → 401, a wrong or missing App-Token → 400; after `killSession` or
 *   expiry the token → 401 and re-initialising works. `getFullSession`, `getGlpiConfig`
 *   (version 10.0.18, the server's time zone).
 * - Lists: partial lists answer 206 with `Content-Range: start-end/total`. Without `range` a
 *   list returns the user's list_limit (20) with an off-by-one header (`0-20/33`); `search/`
 *   without range gives count 20 and `0-19/33`. `Reservation` has no search options.
 * - Text: every text input is stored HTML-entity-encoded (`<` `&#60;`, `>` `&#62;`, `&`
 *   `&#38;`) and read back so; HTML comments are kept; `externalid` is not kept.
 * - A fresh GLPI: no groups, no categories, users glpi, post-only, tech, normal only.
 * - Tickets: status 1 + an assigned group or user becomes 2; `_groups_id_assign` on PUT adds a
 *   `Group_Ticket` row beside the others (replacing = deleting the old row); search field 5 is
 *   the user id as a string, field 8 a string for one group and an array for several (oldest
 *   first); `status: 5` creates no ITILSolution, an ITILSolution solves the ticket; a
 *   follow-up moves only `date_mod`; DELETE puts a ticket in the trash (out of searches,
 *   `GET` still answers with `is_deleted: 1`; `search/Ticket?is_deleted=1` lists the trash);
 *   an unknown `itilcategories_id` is stored as 0; dates are server-local, without offset.
 * - Reservations (overlap → 400 on create and update, back-to-back accepted, begin < end;
 *   rules in glpi-fake-reservations.ts) and software licences (`number` not enforced;
 *   parent/child licences, `is_valid`, seats: test/services/glpi-licences-fake.ts).
 * - Any path outside `apirest.php` answers GLPI's login page (HTML).
 * - Status side effects (GLPI 10.0.x source: `Glpi\Features\ParentStatus::updateParentStatus`,
 *   `ITILSolution::prepareInputForAdd`, `CommonITILObject::prepareInputForUpdate`):
 *   a follow-up on a **waiting** ticket (4) reopens it unless it is itself `pending`; a
 *   follow-up with `add_reopen` (the UI's "Rouvrir" / "Refuser la solution") reopens a
 *   waiting, solved or closed ticket (an empty one is refused); "reopened" is 2 when a group
 *   or technician is assigned, else 1, and the waiting solution becomes refused (4);
 *   `add_close` on a solved ticket closes it. An `ITILSolution` on a ticket already solved or
 *   closed is refused ("did anyone pushed a solution before you?"). `solvedate` is set when
 *   the ticket becomes solved or closed, `closedate` when closed, both cleared on reopening.
 * - Entities: the root entity 0 and those `addEntity` makes; `entities_id` on create (0 when
 *   absent; an unknown one refused); business rules (`addTicketRule`) run at creation and may
 *   file the ticket in another entity, whatever the client asked.
 * Faults for tests: expire every session, refuse rights, commit then drop the answer.
 */
import http from 'node:http';
import type net from 'node:net';
import { createLicenceFake } from './glpi-licences-fake';
import { reservationItemRefusal, reservationRefusal } from './glpi-fake-reservations';

/** Assets and the status dropdown the loans feature uses (Computer is above). */
const LOAN_ITEMTYPES = ['Peripheral', 'Phone', 'State'];

type Row = Record<string, unknown> & { id: number };

export interface FakeTicket {
  id: number;
  name: string;
  content: string;
  status: number;
  urgency: number;
  impact: number;
  priority: number;
  type: number;
  itilcategories_id: number;
  date: string;
  date_mod: string;
  is_deleted: number;
  solvedate?: string | null;
  closedate?: string | null;
  entities_id?: number;
  /** Raw row overrides served in searches (to plant bad data). */
  raw?: Record<string, unknown>;
}

export interface GlpiFakeOptions {
  appToken?: string;
  userToken?: string;
  /** The server's time zone (GLPI's `timezone` setting); null: the setting is empty. */
  timezone?: string | null;
  /** Whether the token's profile may create groups (Super-Admin: yes). */
  canCreateGroups?: boolean;
  /** GLPI's version in `getGlpiConfig` (default 10.0.18); 11 adds `SoftwareLicense_User`. */
  version?: string;
}

/** GLPI stores text inputs sanitised: `&`, `<`, `>` as numeric entities. */
export const glpiEncode = (s: string) => s.replace(/&/g, '&#38;').replace(/</g, '&#60;').replace(/>/g, '&#62;');
export const glpiDecode = (s: string) => s.replace(/&#60;/g, '<').replace(/&#62;/g, '>').replace(/&#38;/g, '&');

/** `YYYY-MM-DD hh:mm:ss` of instant `ms` in `zone`. */
export function localTime(ms: number, zone: string): string {
  const f = new Intl.DateTimeFormat('en-CA', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const p = Object.fromEntries(f.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

const TEXT_FIELDS = new Set(['name', 'content', 'comment', 'completename', 'realname', 'firstname', 'serial']);
const LIST_LIMIT = 20;

export async function startGlpiFake(opts: GlpiFakeOptions = {}) {
  const appToken = opts.appToken ?? 'app-token-fake-0123456789';
  const userToken = opts.userToken ?? 'user-token-fake-9876543210';
  const zone = opts.timezone === undefined ? 'Europe/Paris' : opts.timezone;
  let canCreateGroups = opts.canCreateGroups ?? true;
  const tickets = new Map<number, FakeTicket>();
  /** Every other itemtype: rows by id. */
  const items = new Map<string, Map<number, Row>>();
  const nextIds = new Map<string, number>();
  const sessions = new Map<string, number>();
  const killed: string[] = [];
  const requests: { method: string; path: string; status: number; query: string }[] = [];
  let clockMs: number | null = null;
  let denied = false;
  const drops: Record<string, number> = {};
  const sockets = new Set<net.Socket>();

  const table = (itemtype: string) => {
    let t = items.get(itemtype);
    if (!t) items.set(itemtype, (t = new Map()));
    return t;
  };
  const newId = (itemtype: string, start = 1) => {
    const n = Math.max(nextIds.get(itemtype) ?? start, start);
    nextIds.set(itemtype, n + 1);
    return n;
  };
  const now = () => localTime(clockMs ?? Date.now(), zone ?? 'UTC');
  const insert = (itemtype: string, fields: Record<string, unknown>, start = 1): Row => {
    const row: Row = { ...fields, id: newId(itemtype, start), date_creation: now(), date_mod: now() };
    table(itemtype).set(row.id, row);
    return row;
  };
  const rows = (itemtype: string) => [...table(itemtype).values()];
  const version = opts.version ?? '10.0.18';

  // A fresh GLPI 10: its four default accounts, nothing else.
  for (const [id, name, realname] of [[2, 'glpi', ''], [3, 'post-only', ''], [4, 'tech', ''], [5, 'normal', '']] as const) {
    table('User').set(id, { id, name, realname, firstname: '', phone: '', mobile: '', is_active: 1, is_deleted: 0 });
    nextIds.set('User', 6);
  }
  const passwords: Record<string, string> = { glpi: 'glpi', tech: 'tech', normal: 'normal', 'post-only': 'postonly' };
  const tokenUser = 2;

  const sanitize = (input: Record<string, unknown>) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(input)) out[k] = typeof v === 'string' && (TEXT_FIELDS.has(k) || k === 'content') ? glpiEncode(v) : v;
    return out;
  };

  // Software licences and their seats: test/services/glpi-licences-fake.ts.
  const licences = createLicenceFake({ version, table, insert, rows, now, sanitize });

  const assigned = (ticketId: number, itemtype: 'Group_Ticket' | 'Ticket_User') => rows(itemtype).filter((r) => r.tickets_id === ticketId && r.type === 2).sort((a, b) => a.id - b.id);
  /** GLPI's own transition: a new ticket with an assigned group or technician is "assigned" (2). */
  const autoAssign = (t: FakeTicket) => {
    if (t.status === 1 && (assigned(t.id, 'Group_Ticket').length || assigned(t.id, 'Ticket_User').length)) t.status = 2;
  };
  /** A status change with GLPI's date and solution bookkeeping. */
  const setStatus = (t: FakeTicket, status: number) => {
    if (status < 5 && t.status >= 5) {
      // Reopening refuses the solution waiting for approval (GLPI's ITILSolution status 4).
      for (const sol of rows('ITILSolution')) if (sol.items_id === t.id && sol.status === 2) sol.status = 4;
      t.solvedate = null;
      t.closedate = null;
    }
    if (status >= 5 && !t.solvedate) t.solvedate = now();
    if (status === 6 && !t.closedate) t.closedate = now();
    t.status = status;
  };
  /** ParentStatus: reopened = assigned (2) when a group or technician is assigned, else new (1). */
  const reopen = (t: FakeTicket) => setStatus(t, assigned(t.id, 'Group_Ticket').length || assigned(t.id, 'Ticket_User').length ? 2 : 1);
  /** What adding a follow-up does to its ticket's status. */
  const followupSideEffects = (t: FakeTicket, o: { reopen?: boolean; close?: boolean; pending?: boolean }) => {
    if (o.close && t.status === 5) return setStatus(t, 6);
    if (o.pending) return setStatus(t, 4);
    if ((o.reopen && [4, 5, 6].includes(t.status)) || (!o.close && t.status === 4)) reopen(t);
  };
  const entityRules: { when: (input: Record<string, unknown>) => boolean; entities_id: number }[] = [];
  table('Entity').set(0, { id: 0, name: 'Entité racine', completename: 'Entité racine', entities_id: -1 });
  const addActor = (itemtype: 'Group_Ticket' | 'Ticket_User', ticketId: number, key: 'groups_id' | 'users_id', id: number, type: number, extra: Record<string, unknown> = {}) => {
    if (rows(itemtype).some((r) => r.tickets_id === ticketId && r[key] === id && r.type === type && id !== 0)) return null;
    return insert(itemtype, { tickets_id: ticketId, [key]: id, type, ...extra });
  };

  const addTicket = (t: Partial<FakeTicket> & { name: string }, actors: { groups?: number[]; users?: number[] } = {}): FakeTicket => {
    const id = newId('Ticket');
    const ticket: FakeTicket = { id, content: '', status: 1, urgency: 3, impact: 3, priority: 3, type: 1, itilcategories_id: 0, date: now(), date_mod: now(), is_deleted: 0, solvedate: null, closedate: null, entities_id: 0, ...t };
    if (ticket.status >= 5) ticket.solvedate ??= now();
    tickets.set(id, ticket);
    for (const g of actors.groups ?? []) addActor('Group_Ticket', id, 'groups_id', g, 2);
    for (const u of actors.users ?? []) addActor('Ticket_User', id, 'users_id', u, 2);
    autoAssign(ticket);
    return ticket;
  };
  const touch = (ticketId: number) => {
    const t = tickets.get(ticketId);
    if (t) t.date_mod = now();
  };

  const nameOf = (itemtype: string, id: unknown) => (table(itemtype).get(Number(id))?.name as string | undefined) ?? null;
  const oneOrMany = (list: string[]) => (list.length === 0 ? null : list.length === 1 ? list[0] : list);
  const SEARCH: Record<string, Record<number, (r: Row) => unknown>> = {
    Ticket: {
      1: (t) => t.name,
      2: (t) => t.id,
      3: (t) => t.priority,
      5: (t) => oneOrMany(assigned(t.id, 'Ticket_User').map((a) => String(a.users_id))),
      7: (t) => (t.itilcategories_id ? ((table('ITILCategory').get(Number(t.itilcategories_id))?.completename as string) ?? null) : null),
      8: (t) => oneOrMany(assigned(t.id, 'Group_Ticket').map((a) => nameOf('Group', a.groups_id) ?? '')),
      10: (t) => t.urgency,
      11: (t) => t.impact,
      12: (t) => t.status,
      14: (t) => t.type,
      15: (t) => t.date,
      16: (t) => t.closedate ?? null,
      17: (t) => t.solvedate ?? null,
      19: (t) => t.date_mod,
      21: (t) => t.content,
      80: (t) => (table('Entity').get(Number(t.entities_id ?? 0))?.completename as string | undefined) ?? null,
    },
    User: {
      1: (u) => u.name,
      2: (u) => u.id,
      5: (u) => (u.email as string | undefined) ?? null,
      6: (u) => u.phone,
      9: (u) => u.firstname,
      11: (u) => u.mobile,
      34: (u) => u.realname,
    },
    // Licences: name (1), id (2), seat count (4).
    SoftwareLicense: { 1: (l) => l.name, 2: (l) => l.id, 4: (l) => l.number },
  };

  /** `range=a-b` as GLPI reads it; without one, the user's list_limit and GLPI's header quirk. */
  const paged = <T>(list: T[], range: string | null, search: boolean) => {
    const total = list.length;
    if (range === null) {
      const page = list.slice(0, LIST_LIMIT);
      // Observed: 0-20/33 on lists (one past the last row), 0-19/33 on search/.
      const end = search ? Math.max(0, page.length - 1) : page.length;
      return { page, header: `0-${end}/${total}`, partial: page.length < total, start: 0 };
    }
    const [a, b] = range.split('-').map(Number) as [number, number];
    const page = list.slice(a, b + 1);
    return { page, header: `${a}-${a + Math.max(0, page.length - 1)}/${total}`, partial: page.length < total, start: a };
  };

  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const q = url.searchParams;
      const send = (status: number, data: unknown, headers: Record<string, string> = {}) => {
        requests.push({ method: req.method ?? '', path: url.pathname.replace(/^\/apirest\.php/, ''), status, query: url.search });
        res.writeHead(status, { 'Content-Type': 'application/json; charset=UTF-8', Date: new Date(clockMs ?? Date.now()).toUTCString(), ...headers });
        res.end(typeof data === 'string' ? data : JSON.stringify(data));
      };
      const err = (status: number, code: string, message: string) => send(status, [code, message]);
      if (!url.pathname.startsWith('/apirest.php')) {
        // GLPI's web interface: the login page, whatever the path.
        requests.push({ method: req.method ?? '', path: url.pathname, status: 200, query: url.search });
        res.writeHead(200, { 'Content-Type': 'text/html; charset=UTF-8' });
        return res.end('<!DOCTYPE html>\n<html lang="fr"><head><title>GLPI - Authentification</title></head><body><form action="/front/login.php" method="post"></form></body></html>');
      }
      const path = url.pathname.replace(/^\/apirest\.php/, '') || '/';
      const method = req.method ?? 'GET';
      if (req.headers['app-token'] !== appToken && q.get('app_token') !== appToken)
        return err(400, 'ERROR_WRONG_APP_TOKEN_PARAMETER', 'missing parameter app_token or parameter app_token seems invalid; view documentation in your browser at http://x/apirest.php/#ERROR_WRONG_APP_TOKEN_PARAMETER');
      if (path === '/initSession') {
        const auth = String(req.headers.authorization ?? '');
        const token = auth.startsWith('user_token ') ? auth.slice('user_token '.length) : q.get('user_token');
        let user: number | null = null;
        if (auth.startsWith('Basic ')) {
          const [login, ...pw] = Buffer.from(auth.slice(6), 'base64').toString('utf8').split(':');
          const u = rows('User').find((r) => r.name === login);
          if (!u || passwords[login!] !== pw.join(':')) return err(401, 'ERROR_GLPI_LOGIN', 'Identifiant ou mot de passe incorrect');
          user = u.id;
        } else if (token !== null) {
          if (token !== userToken) return err(401, 'ERROR_GLPI_LOGIN_USER_TOKEN', 'parameter user_token seems invalid');
          user = tokenUser;
        } else return err(400, 'ERROR_LOGIN_PARAMETERS_MISSING', 'parameter(s) login, password or user_token are missing');
        const s = `sess${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
        sessions.set(s, user);
        return send(200, { session_token: s });
      }
      const st = String(req.headers['session-token'] ?? q.get('session_token') ?? '');
      if (!st) return err(400, 'ERROR_SESSION_TOKEN_MISSING', 'parameter session_token is missing or empty');
      const me = sessions.get(st);
      if (me === undefined) return err(401, 'ERROR_SESSION_TOKEN_INVALID', 'session_token seems invalid');
      let input: Record<string, unknown> = {};
      if (body) {
        try {
          input = (JSON.parse(body) as { input?: Record<string, unknown> }).input ?? {};
        } catch {
          return err(400, 'ERROR_JSON_PAYLOAD_INVALID', 'JSON payload seems not valid');
        }
      }
      if (path === '/killSession') {
        sessions.delete(st);
        killed.push(st);
        return send(200, true);
      }
      if (path === '/getFullSession') {
        const u = table('User').get(me)!;
        return send(200, {
          session: { glpiID: me, glpiname: u.name, glpi_currenttime: now(), glpilist_limit: LIST_LIMIT, glpiactiveprofile: { name: 'Super-Admin', group: canCreateGroups ? 119 : 1, ticket: 261151 } },
        });
      }
      if (path === '/getGlpiConfig') return send(200, { cfg_glpi: { version, timezone: zone, list_limit: LIST_LIMIT, url_base: 'http://x' } });
      if (denied && method !== 'GET') return err(401, 'ERROR_RIGHT_MISSING', "You don't have permission to perform this action.");
      const dropIfAsked = (itemtype: string) => {
        if ((drops[itemtype] ?? 0) > 0) {
          drops[itemtype]!--;
          requests.push({ method, path, status: 0, query: url.search });
          req.socket.destroy();
          return true;
        }
        return false;
      };
      const created = (itemtype: string, id: number) => (dropIfAsked(itemtype) ? undefined : send(201, { id, message: '' }, { Location: `http://x/apirest.php/${itemtype}/${id}` }));

      let m = /^\/listSearchOptions\/(\w+)$/.exec(path);
      if (m) {
        const opts = SEARCH[m[1]!];
        // Observed: Reservation has only the "common" header, no option.
        const out: Record<string, unknown> = { common: 'Caractéristiques' };
        for (const k of Object.keys(opts ?? {})) out[k] = { name: k, available_searchtypes: ['contains', 'equals'] };
        return send(200, out);
      }
      m = /^\/search\/(\w+)$/.exec(path);
      if (m) return search(m[1]!, q, send, err);

      // ---- tickets ----
      if (path === '/Ticket' && method === 'POST') {
        if (!input.name || typeof input.name !== 'string') return err(400, 'ERROR_GLPI_ADD', 'Titre : champ obligatoire manquant');
        const cat = Number(input.itilcategories_id ?? 0);
        if (input.entities_id !== undefined && !table('Entity').has(Number(input.entities_id))) return err(400, 'ERROR_GLPI_ADD', "Vous n'avez pas les droits requis pour réaliser cette action.");
        // Business rules run on the input at creation; the first matching one files the ticket.
        const ruled = entityRules.find((r) => r.when(input));
        const s = sanitize(input);
        const t = addTicket({
          name: s.name as string,
          content: String(s.content ?? ''),
          status: Number(input.status ?? 1),
          urgency: Number(input.urgency ?? 3),
          impact: Number(input.impact ?? 3),
          priority: Number(input.priority ?? 3),
          type: Number(input.type ?? 1),
          // Observed: an unknown category is stored as 0, without an error.
          itilcategories_id: table('ITILCategory').has(cat) ? cat : 0,
          entities_id: ruled ? ruled.entities_id : Number(input.entities_id ?? 0),
        });
        if (input._groups_id_assign) addActor('Group_Ticket', t.id, 'groups_id', Number(input._groups_id_assign), 2);
        if (input._users_id_assign) addActor('Ticket_User', t.id, 'users_id', Number(input._users_id_assign), 2);
        const notif = input._users_id_requester_notif as { alternative_email?: string[] } | undefined;
        if (input._users_id_requester !== undefined) addActor('Ticket_User', t.id, 'users_id', Number(input._users_id_requester), 1, { alternative_email: notif?.alternative_email?.[0] ?? '' });
        autoAssign(t);
        return created('Ticket', t.id);
      }
      m = /^\/Ticket\/(\d+)$/.exec(path);
      if (m) {
        const t = tickets.get(Number(m[1]));
        if (!t) return err(404, 'ERROR_ITEM_NOT_FOUND', 'Élément introuvable');
        if (method === 'GET') {
          const { raw: _raw, ...plain } = t;
          // Observed: `externalid` sent at creation is not kept.
          return send(200, { ...plain, externalid: null, users_id_recipient: tokenUser, entities_id: t.entities_id ?? 0, solvedate: t.solvedate ?? null, closedate: t.closedate ?? null });
        }
        if (method === 'DELETE') {
          if (q.get('force_purge') === '1' || q.get('force_purge') === 'true') tickets.delete(t.id);
          else {
            t.is_deleted = 1;
            t.date_mod = now();
          }
          return send(200, [{ [t.id]: true, message: '' }]);
        }
        if (method === 'PUT') {
          const s = sanitize(input);
          if (input.status !== undefined) {
            const st2 = Number(input.status);
            if (!(st2 >= 1 && st2 <= 6)) return send(400, ['ERROR_GLPI_UPDATE', 'Statut invalide']);
            setStatus(t, st2);
          }
          for (const k of ['name', 'content', 'urgency', 'impact', 'priority', 'type'] as const) if (s[k] !== undefined) (t as unknown as Record<string, unknown>)[k] = s[k];
          if (input.itilcategories_id !== undefined) t.itilcategories_id = table('ITILCategory').has(Number(input.itilcategories_id)) ? Number(input.itilcategories_id) : 0;
          // Observed: adds the group beside the existing ones (replacing = deleting the old row).
          if (input._groups_id_assign) addActor('Group_Ticket', t.id, 'groups_id', Number(input._groups_id_assign), 2);
          if (input._users_id_assign) addActor('Ticket_User', t.id, 'users_id', Number(input._users_id_assign), 2);
          autoAssign(t);
          t.date_mod = now();
          return send(200, [{ [t.id]: true, message: '' }]);
        }
      }
      m = /^\/Ticket\/(\d+)\/(ITILFollowup|ITILSolution|Group_Ticket|Ticket_User|Item_Ticket)$/.exec(path);
      if (m && method === 'GET') {
        const tid = Number(m[1]);
        if (!tickets.has(tid)) return err(404, 'ERROR_ITEM_NOT_FOUND', 'Élément introuvable');
        const key = m[2] === 'ITILFollowup' || m[2] === 'ITILSolution' ? 'items_id' : 'tickets_id';
        const list = rows(m[2]!).filter((r) => r[key] === tid).sort((a, b) => a.id - b.id);
        return sendList(list, m[2]!);
      }
      if (path === '/ITILFollowup' && method === 'POST') {
        const t = tickets.get(Number(input.items_id));
        if (!t || input.itemtype !== 'Ticket') return err(400, 'ERROR_GLPI_ADD', 'Élément introuvable');
        if (input.add_reopen !== undefined && !String(input.content ?? '')) return err(400, 'ERROR_GLPI_ADD', 'If you want to reopen this item, you must specify a reason');
        const f = insert('ITILFollowup', { itemtype: 'Ticket', items_id: t.id, content: glpiEncode(String(input.content ?? '')), is_private: Number(input.is_private ?? 0), users_id: me, date: now() });
        // Observed: a follow-up moves the ticket's date_mod and no other field, except the
        // documented reopenings (ParentStatus): a waiting ticket, or `add_reopen`.
        followupSideEffects(t, { reopen: input.add_reopen !== undefined, close: input.add_close !== undefined, pending: !!Number(input.pending ?? 0) });
        t.date_mod = now();
        return created('ITILFollowup', f.id);
      }
      if (path === '/ITILSolution' && method === 'POST') {
        const t = tickets.get(Number(input.items_id));
        if (!t || input.itemtype !== 'Ticket') return err(400, 'ERROR_GLPI_ADD', 'Élément introuvable');
        if (t.status >= 5) return err(400, 'ERROR_GLPI_ADD', 'The item is already solved, did anyone pushed a solution before you?');
        const sol = insert('ITILSolution', { itemtype: 'Ticket', items_id: t.id, content: glpiEncode(String(input.content ?? '')), status: 2, users_id: me, solutiontypes_id: 0 });
        setStatus(t, 5);
        t.date_mod = now();
        return created('ITILSolution', sol.id);
      }
      if ((path === '/Group_Ticket' || path === '/Ticket_User') && method === 'POST') {
        const itemtype = path.slice(1) as 'Group_Ticket' | 'Ticket_User';
        const key = itemtype === 'Group_Ticket' ? 'groups_id' : 'users_id';
        const t = tickets.get(Number(input.tickets_id));
        if (!t || !table(itemtype === 'Group_Ticket' ? 'Group' : 'User').has(Number(input[key]))) return err(400, 'ERROR_GLPI_ADD', 'Élément introuvable');
        const row = addActor(itemtype, t.id, key, Number(input[key]), Number(input.type ?? 2));
        if (!row) return err(400, 'ERROR_GLPI_ADD', 'Cet acteur est déjà associé');
        autoAssign(t);
        touch(t.id);
        return created(itemtype, row.id);
      }
      m = /^\/(Group_Ticket|Ticket_User)\/(\d+)$/.exec(path);
      if (m && method === 'DELETE') {
        const row = table(m[1]!).get(Number(m[2]));
        if (!row) return err(404, 'ERROR_ITEM_NOT_FOUND', 'Élément introuvable');
        table(m[1]!).delete(row.id);
        touch(Number(row.tickets_id));
        return send(200, [{ [row.id]: true, message: '' }]);
      }
      if (path === '/Reservation' && method === 'POST') {
        const item = table('ReservationItem').get(Number(input.reservationitems_id));
        if (!item) return err(400, 'ERROR_GLPI_ADD', 'Élément introuvable');
        const begin = String(input.begin ?? '');
        const end = String(input.end ?? '');
        // Observed: an overlapping reservation is refused; back-to-back is accepted (GLPI's rules: glpi-fake-reservations.ts).
        const refused = reservationRefusal(rows('Reservation'), { reservationitems_id: item.id, begin, end });
        if (refused) return err(400, 'ERROR_GLPI_ADD', refused);
        const r = insert('Reservation', { reservationitems_id: item.id, begin, end, users_id: Number(input.users_id ?? me), comment: glpiEncode(String(input.comment ?? '')) });
        return created('Reservation', r.id);
      }
      if (path === '/ReservationItem' && method === 'POST') {
        const refused = reservationItemRefusal(rows('ReservationItem'), input);
        if (refused) return err(400, 'ERROR_GLPI_ADD', refused);
      }
      m = /^\/Reservation\/(\d+)$/.exec(path);
      if (m && method === 'PUT') {
        const own = table('Reservation').get(Number(m[1]));
        if (!own) return err(404, 'ERROR_ITEM_NOT_FOUND', 'Élément introuvable');
        const refused = reservationRefusal(rows('Reservation'), { id: own.id, reservationitems_id: Number(own.reservationitems_id), begin: String(input.begin ?? own.begin), end: String(input.end ?? own.end) });
        if (refused) return err(400, 'ERROR_GLPI_UPDATE', refused);
      }
      m = /^\/ReservationItem\/(\d+)\/Reservation$/.exec(path);
      if (m && method === 'GET') return sendList(rows('Reservation').filter((r) => r.reservationitems_id === Number(m![1])), 'Reservation');

      if (licences.handle({ method, path, input, send, err, created, sendList })) return;

      // ---- every other itemtype: create, read, update, list ----
      m = /^\/(\w+)(?:\/(\d+))?$/.exec(path);
      const known = ['Entity', 'Group', 'User', 'ITILCategory', 'Computer', 'Item_Ticket', 'ReservationItem', 'Reservation', 'SoftwareLicense', 'ITILFollowup', 'ITILSolution', 'Group_Ticket', 'Ticket_User', 'Item_SoftwareLicense', 'Ticket_Ticket', 'Software', ...LOAN_ITEMTYPES, ...(Number(version.split('.')[0]) >= 11 ? ['SoftwareLicense_User'] : [])];
      if (m && known.includes(m[1]!)) {
        const itemtype = m[1]!;
        if (!m[2] && method === 'POST') {
          if (itemtype === 'Group' && !canCreateGroups) return err(401, 'ERROR_RIGHT_MISSING', "You don't have permission to perform this action.");
          if ((itemtype === 'Group' || itemtype === 'SoftwareLicense') && !input.name) return err(400, 'ERROR_GLPI_ADD', 'Nom : champ obligatoire manquant');
          const row = insert(itemtype, { is_deleted: 0, ...sanitize(input) });
          if (itemtype === 'Group' || itemtype === 'ITILCategory') row.completename ??= row.name;
          return created(itemtype, row.id);
        }
        if (!m[2] && method === 'GET') {
          let list = rows(itemtype).filter((r) => q.get('is_deleted') === '1' || !r.is_deleted);
          for (const [k, v] of q) {
            const f = /^searchText\[(\w+)\]$/.exec(k);
            if (!f) continue;
            const exact = /^\^(.*)\$$/.exec(v);
            const want = glpiEncode(exact ? exact[1]! : v).toLowerCase();
            list = list.filter((r) => (exact ? String(r[f[1]!] ?? '').toLowerCase() === want : String(r[f[1]!] ?? '').toLowerCase().includes(want)));
          }
          return sendList(list.sort((a, b) => a.id - b.id), itemtype);
        }
        const row = m[2] ? table(itemtype).get(Number(m[2])) : undefined;
        if (!row) return err(404, 'ERROR_ITEM_NOT_FOUND', 'Élément introuvable');
        if (method === 'GET') return send(200, row);
        if (method === 'PUT') {
          Object.assign(row, sanitize(input), { id: row.id, date_mod: now() });
          return send(200, [{ [row.id]: true, message: '' }]);
        }
        if (method === 'DELETE') {
          table(itemtype).delete(row.id);
          return send(200, [{ [row.id]: true, message: '' }]);
        }
      }
      return err(400, 'ERROR_RESOURCE_NOT_FOUND_NOR_COMMONDBTM', 'resource not found or not an instance of CommonDBTM');

      function sendList(list: Row[], itemtype: string) {
        const p = paged(list, q.get('range'), false);
        return send(p.partial ? 206 : 200, p.page, { 'Content-Range': p.header, 'Accept-Range': `${itemtype} 1000` });
      }
    });
  });

  function search(itemtype: string, p: URLSearchParams, send: (s: number, d: unknown, h?: Record<string, string>) => void, err: (s: number, c: string, m: string) => void) {
    const opts = SEARCH[itemtype];
    if (!opts) return err(400, 'ERROR_BAD_ARRAY', `no search option for ${itemtype}`);
    const trash = p.get('is_deleted') === '1' || p.get('is_deleted') === 'true';
    let list: Row[] = (itemtype === 'Ticket' ? ([...tickets.values()] as unknown as Row[]) : rows(itemtype)).filter((t) => (trash ? !!t.is_deleted : !t.is_deleted));
    for (let i = 0; p.has(`criteria[${i}][field]`); i++) {
      const field = Number(p.get(`criteria[${i}][field]`));
      const type = p.get(`criteria[${i}][searchtype]`);
      const value = p.get(`criteria[${i}][value]`) ?? '';
      const get = opts[field];
      if (!get) return err(400, 'ERROR_BAD_ARRAY', `unknown search option ${field}`);
      list = list.filter((t) => {
        const raw = get(t);
        const vals = (Array.isArray(raw) ? raw : [raw]).map((v) => String(v ?? ''));
        if (type === 'contains') return vals.some((v) => v.toLowerCase().includes(glpiEncode(value).toLowerCase()));
        if (type === 'equals') return vals.some((v) => v === glpiEncode(value));
        if (type === 'morethan') return vals.some((v) => v > value);
        if (type === 'lessthan') return vals.some((v) => v < value);
        return true;
      });
    }
    const sort = Number(p.get('sort') ?? 1);
    const desc = p.get('order') === 'DESC';
    const key = opts[sort] ?? opts[1]!;
    list.sort((a, b) => {
      const x = key(a) as string | number;
      const y = key(b) as string | number;
      const c = x < y ? -1 : x > y ? 1 : a.id - b.id;
      return desc ? -c : c;
    });
    const total = list.length;
    const range = p.get('range');
    if (range !== null && total > 0 && Number(range.split('-')[0]) >= total) return err(400, 'ERROR_RANGE_EXCEED_TOTAL', 'Provided range exceed total count of data');
    const displayed = new Set<number>([1, 2]);
    for (let i = 0; p.has(`forcedisplay[${i}]`); i++) displayed.add(Number(p.get(`forcedisplay[${i}]`)));
    const pg = paged(list, range, true);
    const data = pg.page.map((t) => {
      const row: Record<string, unknown> = {};
      for (const d of displayed) if (opts[d]) row[d] = opts[d]!(t);
      return { ...row, ...((t.raw as Record<string, unknown> | undefined) ?? {}) };
    });
    send(pg.partial ? 206 : 200, { totalcount: total, count: data.length, sort, order: desc ? 'DESC' : 'ASC', data, 'content-range': pg.header }, { 'Content-Range': pg.header, 'Accept-Range': `${itemtype} 1000` });
  }

  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  const groupsOf = (ticketId: number) => assigned(ticketId, 'Group_Ticket').map((a) => glpiDecode(nameOf('Group', a.groups_id) ?? ''));
  return {
    /** GLPI's root (the web interface); the API is `url`. */
    webUrl: `http://127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}/apirest.php`,
    appToken,
    userToken,
    timezone: zone,
    tickets,
    items,
    sessions,
    killed,
    requests,
    rows,
    followups: (ticketId?: number) => rows('ITILFollowup').filter((f) => ticketId === undefined || f.items_id === ticketId).sort((a, b) => a.id - b.id),
    solutions: (ticketId: number) => rows('ITILSolution').filter((s) => s.items_id === ticketId).sort((a, b) => a.id - b.id),
    groupsOf,
    technicianOf: (ticketId: number) => assigned(ticketId, 'Ticket_User').map((a) => String(table('User').get(Number(a.users_id))?.name ?? '')),
    requesterOf: (ticketId: number) => rows('Ticket_User').filter((r) => r.tickets_id === ticketId && r.type === 1),
    /** Every open session becomes invalid (GLPI session timeout). */
    expireSessions: () => sessions.clear(),
    /** The next `n` POSTs of this itemtype are committed, then the connection is dropped. */
    dropAnswers: (itemtype: string, n: number) => void (drops[itemtype] = n),
    denyRights: (on: boolean) => void (denied = on),
    /** Software licences and seats (race gate, rows, a technician's assignment in the UI). */
    licences,
    allowGroupCreation: (on: boolean) => void (canCreateGroups = on),
    /** Moves the server clock (date_mod of new writes), an ISO instant. */
    setClock: (iso: string | null) => void (clockMs = iso === null ? null : Date.parse(iso)),
    now,
    addTicket,
    /** What an administrator would create in GLPI's UI. */
    addGroup: (name: string) => insert('Group', { name: glpiEncode(name), completename: glpiEncode(name), is_assign: 1, is_deleted: 0 }).id,
    addUser: (u: { name: string; realname?: string; firstname?: string; email?: string; phone?: string; mobile?: string }) =>
      insert('User', { realname: '', firstname: '', phone: '', mobile: '', is_active: 1, is_deleted: 0, ...u, name: glpiEncode(u.name) }).id,
    addCategory: (completename: string) => insert('ITILCategory', { name: glpiEncode(completename.split(' > ').pop()!), completename: glpiEncode(completename), is_deleted: 0 }).id,
    /** An entity under `parent` (0: the root entity); its id. */
    addEntity: (name: string, parent = 0) => {
      const parentName = (table('Entity').get(parent)?.completename as string | undefined) ?? '';
      return insert('Entity', { name: glpiEncode(name), completename: glpiEncode(`${glpiDecode(parentName)} > ${name}`), entities_id: parent }).id;
    },
    /** A business rule run at ticket creation that files matching tickets in `entities_id`. */
    addTicketRule: (rule: { when: (input: Record<string, unknown>) => boolean; entities_id: number }) => void entityRules.push(rule),
    addComputer: (name: string) => insert('Computer', { name: glpiEncode(name), is_deleted: 0 }).id,
    /** A technician's actions in GLPI's web interface. */
    ui: {
      /** `reopen`: the "Rouvrir" button of a solved or closed ticket (the form sends add_reopen). */
      followup: (ticketId: number, html: string, opts: { private?: boolean; users_id?: number; reopen?: boolean } = {}) => {
        const f = insert('ITILFollowup', { itemtype: 'Ticket', items_id: ticketId, content: glpiEncode(html), is_private: opts.private ? 1 : 0, users_id: opts.users_id ?? 4, date: now() });
        followupSideEffects(tickets.get(ticketId)!, { reopen: opts.reopen });
        touch(ticketId);
        return f.id;
      },
      solve: (ticketId: number, html: string) => {
        insert('ITILSolution', { itemtype: 'Ticket', items_id: ticketId, content: glpiEncode(html), status: 2, users_id: 4, solutiontypes_id: 0 });
        const t = tickets.get(ticketId)!;
        setStatus(t, 5);
        t.date_mod = now();
      },
      trash: (ticketId: number) => {
        const t = tickets.get(ticketId)!;
        t.is_deleted = 1;
        t.date_mod = now();
      },
      route: (ticketId: number, groupId: number) => {
        for (const a of assigned(ticketId, 'Group_Ticket')) table('Group_Ticket').delete(a.id);
        addActor('Group_Ticket', ticketId, 'groups_id', groupId, 2);
        autoAssign(tickets.get(ticketId)!);
        touch(ticketId);
      },
      assign: (ticketId: number, userId: number) => {
        for (const a of assigned(ticketId, 'Ticket_User')) table('Ticket_User').delete(a.id);
        addActor('Ticket_User', ticketId, 'users_id', userId, 2);
        autoAssign(tickets.get(ticketId)!);
        touch(ticketId);
      },
      edit: (ticketId: number, changes: Partial<Pick<FakeTicket, 'name' | 'content' | 'status' | 'urgency' | 'impact' | 'priority' | 'itilcategories_id'>>) => {
        const t = tickets.get(ticketId)!;
        const { status, ...rest } = changes;
        if (status !== undefined) setStatus(t, status);
        Object.assign(t, sanitize(rest), { date_mod: now() });
      },
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
export type GlpiFake = Awaited<ReturnType<typeof startGlpiFake>>;
