/**
 * GLPI cannot run on these machines (not packaged for Debian 12, its tarball and PHP
 * dependencies are unreachable), so the GLPI connector is tested against this HTTP server,
 * which answers as GLPI's `apirest.php` documents it:
 * - `GET /initSession` with `Authorization: user_token …` and `App-Token` → `{session_token}`;
 *   a wrong App-Token → 400 `["ERROR_WRONG_APP_TOKEN_PARAMETER", …]`, a wrong user token →
 *   401 `["ERROR_GLPI_LOGIN_USER_TOKEN", …]`;
 * - every other call needs `Session-Token` (+ `App-Token`): missing → 400
 *   `ERROR_SESSION_TOKEN_MISSING`, unknown/expired → 401 `ERROR_SESSION_TOKEN_INVALID`;
 * - `GET /killSession`, `GET /getFullSession`;
 * - `POST /Ticket` `{input}` → 201 `{id, message}` + `Location`; `GET|PUT /Ticket/:id`
 *   (404 `ERROR_ITEM_NOT_FOUND`), PUT → 200 `[{"<id>": true, "message": ""}]`;
 * - `POST /ITILFollowup`, `GET /Ticket/:id/ITILFollowup`, `POST /Item_Ticket`;
 * - `GET /search/Ticket` with `criteria[n][field|searchtype|value]`, `forcedisplay[n]`,
 *   `sort`, `order`, `range=a-b` → `{totalcount, count, data}` keyed by search option id,
 *   `Content-Range: a-b/total`, 206 when partial, 400 `ERROR_RANGE_EXCEED_TOTAL` past the end;
 * - `GET /<Itemtype>?searchText[field]=^value$` for Group, User, ITILCategory, Computer;
 * - errors as `["ERROR_…", "message"]` bodies (rights: 401 `ERROR_RIGHT_MISSING`).
 * Faults for tests: expire every session, refuse rights, commit then drop the answer.
 */
import http from 'node:http';
import type net from 'node:net';

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
  groups_id_assign: number | null;
  users_id_assign: number | null;
  date: string;
  date_mod: string;
  is_deleted: number;
  /** Raw row overrides served in searches (to plant bad data). */
  raw?: Record<string, unknown>;
}
export interface FakeFollowup {
  id: number;
  items_id: number;
  content: string;
  is_private: number;
  date: string;
  users_id: number;
}

export interface GlpiFake {
  url: string;
  appToken: string;
  userToken: string;
  tickets: Map<number, FakeTicket>;
  followups: FakeFollowup[];
  itemTickets: { itemtype: string; items_id: number; tickets_id: number }[];
  sessions: Set<string>;
  killed: string[];
  requests: { method: string; path: string; status: number }[];
  /** Every open session becomes invalid (GLPI session timeout). */
  expireSessions(): void;
  /** The next `n` POSTs of this itemtype are committed, then the connection is dropped. */
  dropAnswers(itemtype: 'Ticket' | 'ITILFollowup', n: number): void;
  denyRights(on: boolean): void;
  /** Moves the server clock (date_mod of new writes). */
  setClock(iso: string): void;
  addTicket(t: Partial<FakeTicket> & { name: string }): FakeTicket;
  close(): Promise<void>;
}

const OPT: Record<number, (t: FakeTicket, ctx: Ctx) => unknown> = {
  1: (t) => t.name,
  2: (t) => t.id,
  3: (t) => t.priority,
  5: (t, c) => (t.users_id_assign ? (c.users.find((u) => u.id === t.users_id_assign)?.name ?? null) : null),
  7: (t, c) => (t.itilcategories_id ? (c.categories.find((x) => x.id === t.itilcategories_id)?.completename ?? null) : null),
  8: (t, c) => (t.groups_id_assign ? (c.groups.find((g) => g.id === t.groups_id_assign)?.name ?? null) : null),
  10: (t) => t.urgency,
  11: (t) => t.impact,
  12: (t) => t.status,
  14: (t) => t.type,
  15: (t) => t.date,
  19: (t) => t.date_mod,
  21: (t) => t.content,
};
interface Ctx {
  users: { id: number; name: string }[];
  groups: { id: number; name: string }[];
  categories: { id: number; completename: string }[];
  computers: { id: number; name: string }[];
}

export async function startGlpiFake(opts: { appToken?: string; userToken?: string } = {}): Promise<GlpiFake> {
  const appToken = opts.appToken ?? 'app-token-fake-0123456789';
  const userToken = opts.userToken ?? 'user-token-fake-9876543210';
  const tickets = new Map<number, FakeTicket>();
  const followups: FakeFollowup[] = [];
  const itemTickets: GlpiFake['itemTickets'] = [];
  const sessions = new Set<string>();
  const killed: string[] = [];
  const requests: GlpiFake['requests'] = [];
  const ctx: Ctx = {
    users: [{ id: 2, name: 'glpi' }, { id: 7, name: 'tech1' }],
    groups: ['Hotline', 'Interventions', 'Applications', 'SIG', 'Infrastructure technique'].map((name, i) => ({ id: i + 1, name })),
    categories: [{ id: 1, completename: 'Matériel > Imprimante' }],
    computers: [{ id: 11, name: 'PC-0042' }],
  };
  let nextId = 1;
  let nextFu = 1;
  let clock: string | null = null;
  let denied = false;
  const drops: Record<string, number> = { Ticket: 0, ITILFollowup: 0 };
  const now = () => clock ?? new Date().toISOString().replace('T', ' ').slice(0, 19);
  const sockets = new Set<net.Socket>();

  const addTicket = (t: Partial<FakeTicket> & { name: string }): FakeTicket => {
    const ticket: FakeTicket = {
      id: nextId++,
      content: '',
      status: 1,
      urgency: 3,
      impact: 3,
      priority: 3,
      type: 1,
      itilcategories_id: 0,
      groups_id_assign: null,
      users_id_assign: null,
      date: now(),
      date_mod: now(),
      is_deleted: 0,
      ...t,
    };
    tickets.set(ticket.id, ticket);
    return ticket;
  };

  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const path = url.pathname.replace(/^\/apirest\.php/, '');
      const send = (status: number, data: unknown, headers: Record<string, string> = {}) => {
        requests.push({ method: req.method ?? '', path, status });
        res.writeHead(status, { 'Content-Type': 'application/json; charset=UTF-8', ...headers });
        res.end(typeof data === 'string' ? data : JSON.stringify(data));
      };
      const err = (status: number, code: string, message: string) => send(status, [code, message]);
      if (req.headers['app-token'] !== appToken)
        return err(400, 'ERROR_WRONG_APP_TOKEN_PARAMETER', "missing parameter app_token or parameter app_token seems invalid; view documentation in your browser at http://x/apirest.php/#ERROR_WRONG_APP_TOKEN_PARAMETER");
      if (path === '/initSession') {
        const auth = String(req.headers.authorization ?? '');
        if (!auth.startsWith('user_token ')) return err(400, 'ERROR_LOGIN_PARAMETERS_MISSING', 'parameter(s) login, password or user_token are missing');
        if (auth.slice('user_token '.length) !== userToken) return err(401, 'ERROR_GLPI_LOGIN_USER_TOKEN', 'parameter user_token seems invalid');
        const s = `sess${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
        sessions.add(s);
        return send(200, { session_token: s });
      }
      const st = req.headers['session-token'];
      if (!st) return err(400, 'ERROR_SESSION_TOKEN_MISSING', 'parameter session_token is missing or empty');
      if (!sessions.has(String(st))) return err(401, 'ERROR_SESSION_TOKEN_INVALID', 'session_token seems invalid');
      let input: Record<string, unknown> = {};
      if (body) {
        try {
          input = (JSON.parse(body) as { input?: Record<string, unknown> }).input ?? {};
        } catch {
          return err(400, 'ERROR_JSON_PAYLOAD_INVALID', 'JSON payload seems not valid');
        }
      }
      const method = req.method ?? 'GET';
      if (path === '/killSession') {
        sessions.delete(String(st));
        killed.push(String(st));
        return send(200, true);
      }
      if (path === '/getFullSession') return send(200, { session: { glpiID: 2, glpiname: 'glpi' } });
      if (denied && method !== 'GET') return err(401, 'ERROR_RIGHT_MISSING', "You don't have permission to perform this action.");
      const dropIfAsked = (itemtype: string) => {
        if (drops[itemtype]! > 0) {
          drops[itemtype]!--;
          requests.push({ method, path, status: 0 });
          req.socket.destroy();
          return true;
        }
        return false;
      };
      if (path === '/Ticket' && method === 'POST') {
        if (!input.name || typeof input.name !== 'string') return err(400, 'ERROR_GLPI_ADD', 'Titre : champ obligatoire manquant');
        const t = addTicket({
          name: input.name,
          content: String(input.content ?? ''),
          status: Number(input.status ?? 1),
          urgency: Number(input.urgency ?? 3),
          impact: Number(input.impact ?? 3),
          priority: Number(input.priority ?? 3),
          type: Number(input.type ?? 1),
          itilcategories_id: Number(input.itilcategories_id ?? 0),
          groups_id_assign: input._groups_id_assign ? Number(input._groups_id_assign) : null,
          users_id_assign: input._users_id_assign ? Number(input._users_id_assign) : null,
        });
        if (dropIfAsked('Ticket')) return;
        return send(201, { id: t.id, message: '' }, { Location: `http://x/apirest.php/Ticket/${t.id}` });
      }
      let m = /^\/Ticket\/(\d+)$/.exec(path);
      if (m) {
        const t = tickets.get(Number(m[1]));
        if (!t) return err(404, 'ERROR_ITEM_NOT_FOUND', 'Item not found');
        if (method === 'GET') {
          const { raw: _raw, groups_id_assign: _g, users_id_assign: _u, ...plain } = t;
          return send(200, plain);
        }
        if (method === 'PUT') {
          if (input.status !== undefined) {
            const s = Number(input.status);
            if (!(s >= 1 && s <= 6)) return send(200, [{ [t.id]: false, message: 'Statut invalide' }]);
            t.status = s;
          }
          for (const k of ['name', 'urgency', 'impact', 'priority', 'type', 'itilcategories_id'] as const) if (input[k] !== undefined) (t as unknown as Record<string, unknown>)[k] = input[k];
          if (input._groups_id_assign !== undefined) t.groups_id_assign = Number(input._groups_id_assign) || null;
          if (input._users_id_assign !== undefined) t.users_id_assign = Number(input._users_id_assign) || null;
          t.date_mod = now();
          return send(200, [{ [t.id]: true, message: '' }]);
        }
      }
      m = /^\/Ticket\/(\d+)\/ITILFollowup$/.exec(path);
      if (m && method === 'GET') {
        const list = followups.filter((f) => f.items_id === Number(m![1]));
        const [a, b] = (url.searchParams.get('range') ?? '0-49').split('-').map(Number) as [number, number];
        const page = list.slice(a, b + 1);
        return send(page.length < list.length ? 206 : 200, page, { 'Content-Range': `${a}-${a + Math.max(0, page.length - 1)}/${list.length}`, 'Accept-Range': 'ITILFollowup 1000' });
      }
      if (path === '/ITILFollowup' && method === 'POST') {
        const t = tickets.get(Number(input.items_id));
        if (!t || input.itemtype !== 'Ticket') return err(400, 'ERROR_GLPI_ADD', 'Élément introuvable');
        const f: FakeFollowup = { id: nextFu++, items_id: t.id, content: String(input.content ?? ''), is_private: Number(input.is_private ?? 0), date: now(), users_id: 2 };
        followups.push(f);
        t.date_mod = now();
        if (dropIfAsked('ITILFollowup')) return;
        return send(201, { id: f.id, message: '' });
      }
      if (path === '/Item_Ticket' && method === 'POST') {
        itemTickets.push({ itemtype: String(input.itemtype), items_id: Number(input.items_id), tickets_id: Number(input.tickets_id) });
        return send(201, { id: itemTickets.length, message: '' });
      }
      if (path === '/search/Ticket') return search(url, send, err);
      m = /^\/(Group|User|ITILCategory|Computer)$/.exec(path);
      if (m && method === 'GET') {
        const list = (m[1] === 'Group' ? ctx.groups : m[1] === 'User' ? ctx.users : m[1] === 'ITILCategory' ? ctx.categories : ctx.computers) as Record<string, unknown>[];
        let out = list;
        for (const [k, v] of url.searchParams) {
          const f = /^searchText\[(\w+)\]$/.exec(k);
          if (!f) continue;
          const exact = /^\^(.*)\$$/.exec(v);
          out = out.filter((r) => (exact ? String(r[f[1]!]) === exact[1] : String(r[f[1]!]).includes(v)));
        }
        return send(200, out);
      }
      return err(400, 'ERROR_RESOURCE_NOT_FOUND_NOR_COMMONDBTM', 'resource not found or not an instance of CommonDBTM');
    });
  });

  function search(url: URL, send: (s: number, d: unknown, h?: Record<string, string>) => void, err: (s: number, c: string, m: string) => void) {
    const p = url.searchParams;
    let list = [...tickets.values()].filter((t) => !t.is_deleted);
    for (let i = 0; p.has(`criteria[${i}][field]`); i++) {
      const field = Number(p.get(`criteria[${i}][field]`));
      const type = p.get(`criteria[${i}][searchtype]`);
      const value = p.get(`criteria[${i}][value]`) ?? '';
      const get = OPT[field];
      if (!get) return err(400, 'ERROR_BAD_ARRAY', `unknown search option ${field}`);
      list = list.filter((t) => {
        const v = get(t, ctx);
        if (type === 'contains') return String(v ?? '').includes(value);
        if (type === 'equals') return String(v) === value;
        if (type === 'morethan') return String(v) > value;
        if (type === 'lessthan') return String(v) < value;
        return true;
      });
    }
    const sort = Number(p.get('sort') ?? 1);
    const desc = p.get('order') === 'DESC';
    const key = OPT[sort] ?? OPT[1]!;
    list.sort((a, b) => {
      const x = key(a, ctx) as string | number;
      const y = key(b, ctx) as string | number;
      const c = x < y ? -1 : x > y ? 1 : a.id - b.id;
      return desc ? -c : c;
    });
    const total = list.length;
    const [a, b] = (p.get('range') ?? '0-49').split('-').map(Number) as [number, number];
    if (total > 0 && a >= total) return err(400, 'ERROR_RANGE_EXCEED_TOTAL', 'Provided range exceed total count of data');
    const displayed = new Set<number>([1, 2, 80]);
    for (let i = 0; p.has(`forcedisplay[${i}]`); i++) displayed.add(Number(p.get(`forcedisplay[${i}]`)));
    const page = list.slice(a, b + 1).map((t) => {
      const row: Record<string, unknown> = {};
      for (const d of displayed) if (OPT[d]) row[d] = OPT[d]!(t, ctx);
      return { ...row, ...(t.raw ?? {}) };
    });
    const end = a + Math.max(0, page.length - 1);
    send(page.length < total ? 206 : 200, { totalcount: total, count: page.length, sort, order: desc ? 'DESC' : 'ASC', data: page, 'content-range': `${a}-${end}/${total}` }, {
      'Content-Range': `${a}-${end}/${total}`,
      'Accept-Range': 'Ticket 1000',
    });
  }

  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/apirest.php`,
    appToken,
    userToken,
    tickets,
    followups,
    itemTickets,
    sessions,
    killed,
    requests,
    expireSessions: () => sessions.clear(),
    dropAnswers: (itemtype, n) => void (drops[itemtype] = n),
    denyRights: (on) => void (denied = on),
    setClock: (iso) => void (clock = iso.replace('T', ' ').slice(0, 19)),
    addTicket,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
