/**
 * GLPI connector (legacy REST API, `apirest.php`).
 *
 * Session: `GET /initSession` with `Authorization: user_token <token>` and `App-Token`;
 * every later call sends `Session-Token` + `App-Token`; `GET /killSession` on close. An
 * expired session (401 `ERROR_SESSION_TOKEN_INVALID`) opens a new one once, transparently;
 * refused credentials (`ERROR_GLPI_LOGIN_USER_TOKEN`, `ERROR_WRONG_APP_TOKEN_PARAMETER`)
 * are 'auth' errors; `ERROR_RIGHT_MISSING` / `ERROR_GLPI_ADD` / … are rejections carrying
 * GLPI's message (`["ERROR_…", "message"]` bodies).
 *
 * Field mapping (local ↔ GLPI): GLPI is the reference of the local model, so most fields
 * map one to one.
 * | local        | GLPI Ticket (search option id in listings)                          |
 * |--------------|---------------------------------------------------------------------|
 * | subject      | name (1)                                                            |
 * | description  | content (21); created with the requester line and the op marker     |
 * | status 1–6   | status (12), same numbers                                           |
 * | type         | type (14): 1 incident, 2 request                                    |
 * | urgency etc. | urgency (10), impact (11), priority (3), same 1–6 scale             |
 * | category     | itilcategories_id (7: completename in listings)                     |
 * | team         | assigned group `_groups_id_assign` (8: group name in listings)      |
 * | technician   | assigned user `_users_id_assign` (5: login in listings)             |
 * | requester    | a "Demandeur : name · phone" first line of content (free text: the  |
 * |              | caller is often not a GLPI user)                                    |
 * | linked PC    | Item_Ticket (itemtype Computer, looked up by name)                  |
 * | follow-ups   | ITILFollowup (is_private), op marker at the end of content          |
 * | op UUID      | `[relais-op:UUID]` marker in content, found back with search/Ticket |
 * |              | criteria on content (21) / the ticket's ITILFollowup list           |
 * | watermark    | date_mod (19)                                                       |
 * Paging: `range=a-b`, the answer's `Content-Range: a-b/total` header (206 when partial).
 * GLPI has no ETag: updates re-read `date_mod` just before writing (three-way merge).
 */
import { z } from 'zod';
import { createHttp, errorForStatus, type JsonResponse } from '../http';
import {
  BadDataError,
  SyncError,
  findOpMarker,
  opMarker,
  stripOpMarker,
  type Connector,
  type RemoteFollowup,
  type RemoteTicket,
  type SyncFields,
  type TicketLookup,
} from '../types';
import { clampText, isoOrThrow, MAX_BODY, MAX_SUBJECT } from './common';

export interface GlpiOptions {
  /** Base URL of apirest.php, e.g. https://glpi.example.org/apirest.php */
  url: string;
  userToken: () => Promise<string> | string;
  appToken: () => Promise<string> | string;
  timeoutMs?: number;
}

/** Search options of GLPI's Ticket itemtype used in listings. */
export const GLPI_OPT = { name: 1, id: 2, priority: 3, tech: 5, category: 7, group: 8, urgency: 10, impact: 11, status: 12, type: 14, date: 15, dateMod: 19, content: 21 } as const;

const idSchema = z.union([z.number().int(), z.string().regex(/^\d+$/)]).transform(String);
const glpiDate = z.string().min(10);
const errorBodySchema = z.tuple([z.string(), z.string()]).rest(z.unknown());
const sessionSchema = z.object({ session_token: z.string().min(1) }).loose();
const createdSchema = z.object({ id: idSchema }).loose();
const level = z.union([z.number(), z.string().regex(/^\d+$/)]).transform(Number).pipe(z.number().int().min(1).max(6));
const searchRowSchema = z
  .object({
    [GLPI_OPT.id]: idSchema,
    [GLPI_OPT.name]: z.string(),
    [GLPI_OPT.status]: z.union([z.number(), z.string()]).transform(Number),
    [GLPI_OPT.dateMod]: glpiDate,
    [GLPI_OPT.date]: glpiDate,
    [GLPI_OPT.priority]: level.nullable().optional(),
    [GLPI_OPT.urgency]: level.nullable().optional(),
    [GLPI_OPT.impact]: level.nullable().optional(),
    [GLPI_OPT.type]: z.union([z.number(), z.string()]).transform(Number).nullable().optional(),
    [GLPI_OPT.category]: z.string().nullable().optional(),
    [GLPI_OPT.group]: z.union([z.string(), z.array(z.string())]).nullable().optional(),
    [GLPI_OPT.tech]: z.union([z.string(), z.array(z.string())]).nullable().optional(),
    [GLPI_OPT.content]: z.string().nullable().optional(),
  })
  .loose();
const searchSchema = z.object({ totalcount: z.number().int(), count: z.number().int().optional(), data: z.array(z.unknown()).optional().default([]) }).loose();
const ticketSchema = z
  .object({
    id: idSchema,
    name: z.string(),
    content: z.string().nullable().optional(),
    status: z.number().int(),
    date_mod: glpiDate,
    date: glpiDate.nullable().optional(),
    date_creation: glpiDate.nullable().optional(),
    urgency: z.number().int().optional(),
    impact: z.number().int().optional(),
    priority: z.number().int().optional(),
    type: z.number().int().optional(),
    is_deleted: z.union([z.number(), z.boolean()]).optional(),
  })
  .loose();
const followupSchema = z
  .object({ id: idSchema, content: z.string(), is_private: z.union([z.number(), z.boolean()]).optional(), date: glpiDate.optional(), date_creation: glpiDate.optional(), users_id: z.union([z.number(), z.string()]).optional() })
  .loose();
const putResultSchema = z.array(z.record(z.string(), z.unknown()));

/** GLPI sends local times "YYYY-MM-DD HH:MM:SS"; the server is assumed UTC (set GLPI's timezone to UTC or use the API's UTC setting). */
const toIso = (v: string, field: string, id: string | null) => isoOrThrow(v, field, id);
const glpiDateOf = (iso: string) => new Date(iso).toISOString().replace('T', ' ').slice(0, 19);

export function createGlpiConnector(options: GlpiOptions): Connector & { reauth(): Promise<void>; sessionToken(): string | null } {
  const http = createHttp({ baseURL: options.url.replace(/\/+$/, ''), timeoutMs: options.timeoutMs });
  let session: string | null = null;
  let opening: Promise<string> | null = null;
  const idCache = new Map<string, string | null>();

  async function initSession(): Promise<string> {
    if (opening) return opening;
    opening = (async () => {
      const [userToken, appToken] = await Promise.all([options.userToken(), options.appToken()]);
      if (!userToken || !appToken) throw new SyncError('auth', 'GLPI user token or App-Token not configured');
      const res = await http.request({ method: 'GET', url: '/initSession', headers: { Authorization: `user_token ${userToken}`, 'App-Token': appToken } });
      if (res.status !== 200) throw classify(res);
      const s = sessionSchema.safeParse(res.data);
      if (!s.success) throw new SyncError('transient', 'GLPI initSession answered without a session_token');
      session = s.data.session_token;
      return session;
    })();
    try {
      return await opening;
    } finally {
      opening = null;
    }
  }

  async function call(method: string, url: string, body?: unknown, params?: Record<string, unknown>, retried = false): Promise<JsonResponse> {
    const token = session ?? (await initSession());
    const appToken = await options.appToken();
    const res = await http.request({ method, url, data: body, params, headers: { 'Session-Token': token, 'App-Token': appToken } });
    if (res.status >= 200 && res.status < 300) return res;
    const err = classify(res);
    if (err.kind === 'auth' && isSessionError(res) && !retried) {
      // Expired session: open a new one once, then the same call again.
      session = null;
      return call(method, url, body, params, true);
    }
    throw err;
  }

  async function lookupId(itemtype: string, field: string, value: string): Promise<string | null> {
    const key = `${itemtype}|${field}|${value}`;
    if (idCache.has(key)) return idCache.get(key)!;
    const res = await call('GET', `/${itemtype}`, undefined, { [`searchText[${field}]`]: `^${value}$`, range: '0-0' });
    const arr = z.array(z.object({ id: idSchema }).loose()).safeParse(res.data);
    const id = arr.success ? (arr.data[0]?.id ?? null) : null;
    idCache.set(key, id);
    return id;
  }

  async function toGlpi(fields: Partial<SyncFields>): Promise<Record<string, unknown>> {
    const input: Record<string, unknown> = {};
    if (fields.subject !== undefined) input.name = fields.subject;
    if (fields.status !== undefined) input.status = fields.status;
    if (fields.urgency !== undefined) input.urgency = fields.urgency;
    if (fields.impact !== undefined) input.impact = fields.impact;
    if (fields.priority !== undefined) input.priority = fields.priority;
    if (fields.type !== undefined) input.type = fields.type === 'request' ? 2 : 1;
    if (fields.category !== undefined) input.itilcategories_id = fields.category ? ((await lookupId('ITILCategory', 'completename', fields.category)) ?? 0) : 0;
    if (fields.team !== undefined && fields.team) {
      const gid = await lookupId('Group', 'name', fields.team);
      if (!gid) throw new SyncError('rejected', `GLPI has no group named "${fields.team}"`);
      input._groups_id_assign = Number(gid);
    }
    if (fields.technician !== undefined && fields.technician) {
      const uid = await lookupId('User', 'name', fields.technician);
      if (!uid) throw new SyncError('rejected', `GLPI has no user "${fields.technician}"`);
      input._users_id_assign = Number(uid);
    }
    return input;
  }

  function parseTicket(raw: unknown): RemoteTicket {
    const idHint = raw && typeof raw === 'object' ? String((raw as Record<string, unknown>)[GLPI_OPT.id] ?? (raw as Record<string, unknown>).id ?? '').slice(0, 20) || null : null;
    const p = searchRowSchema.safeParse(raw);
    if (!p.success) {
      const issue = p.error.issues[0];
      throw new BadDataError(`missing or invalid field ${issue?.path.join('.') || '?'} (${issue?.message ?? 'invalid'})`, idHint);
    }
    const r = p.data as Record<number, unknown>;
    const id = r[GLPI_OPT.id] as string;
    const status = r[GLPI_OPT.status] as number;
    if (!Number.isInteger(status) || status < 1 || status > 6) throw new BadDataError(`unknown status "${String(status).slice(0, 20)}"`, id);
    const first = (v: unknown) => (Array.isArray(v) ? (v[0] as string | undefined) : (v as string | null | undefined));
    const content = (r[GLPI_OPT.content] as string | null | undefined) ?? null;
    if (content && content.length > MAX_BODY) throw new BadDataError(`content too large (${content.length} characters, limit ${MAX_BODY})`, id);
    const fields: Partial<SyncFields> = { subject: clampText(r[GLPI_OPT.name] as string, MAX_SUBJECT, 'name', id), status };
    for (const [k, opt] of [['priority', GLPI_OPT.priority], ['urgency', GLPI_OPT.urgency], ['impact', GLPI_OPT.impact]] as const) {
      const v = r[opt];
      if (typeof v === 'number') fields[k] = v;
    }
    const type = r[GLPI_OPT.type];
    if (type === 1 || type === 2) fields.type = type === 2 ? 'request' : 'incident';
    if (GLPI_OPT.category in r) fields.category = (r[GLPI_OPT.category] as string | null) || null;
    if (GLPI_OPT.group in r) fields.team = first(r[GLPI_OPT.group]) || null;
    if (GLPI_OPT.tech in r) fields.technician = first(r[GLPI_OPT.tech]) || null;
    if (content !== null) {
      const { requesterName, requesterPhone, description } = splitContent(stripOpMarker(content));
      fields.description = description;
      if (requesterName !== null) {
        fields.requesterName = requesterName;
        fields.requesterPhone = requesterPhone;
      }
    }
    for (const v of Object.values(fields)) if (typeof v === 'string' && v.includes('\uFFFD')) throw new BadDataError('invalid UTF-8 in the ticket text', id);
    return {
      serverId: id,
      updatedAt: toIso(r[GLPI_OPT.dateMod] as string, 'date_mod', id),
      createdAt: toIso(r[GLPI_OPT.date] as string, 'date', id),
      fields,
      etag: null,
      opId: content ? findOpMarker(content) : null,
      deleted: false,
    };
  }

  const forcedisplay = Object.values(GLPI_OPT);
  const searchParams = (extra: Record<string, unknown>) => {
    const p: Record<string, unknown> = { ...extra };
    forcedisplay.forEach((f, i) => (p[`forcedisplay[${i}]`] = f));
    return p;
  };

  const connector = {
    kind: 'glpi' as const,
    sessionToken: () => session,
    async reauth() {
      session = null;
      await initSession();
    },
    async testConnection() {
      session = null;
      await initSession();
      const res = await call('GET', '/getFullSession');
      const s = z.object({ session: z.object({ glpiname: z.string().optional() }).loose() }).loose().safeParse(res.data);
      return { user: s.success ? (s.data.session.glpiname ?? 'GLPI') : 'GLPI', serverVersion: 'GLPI (apirest.php)' };
    },
    async createTicket(opId: string, fields: SyncFields) {
      const input = await toGlpi(fields);
      const requester = fields.requesterName ? `Demandeur : ${[fields.requesterName, fields.requesterPhone].filter(Boolean).join(' · ')}\n\n` : '';
      input.content = `${requester}${fields.description || fields.subject}\n\n${opMarker(opId)}`;
      if (!input.name) input.name = (fields.description.split('\n')[0] ?? '').slice(0, 200) || '(sans objet)';
      const res = await call('POST', '/Ticket', { input });
      const c = createdSchema.safeParse(res.data);
      if (!c.success) throw new SyncError('transient', 'GLPI created the ticket but its answer had no id');
      if (fields.asset) {
        const cid = await lookupId('Computer', 'name', fields.asset);
        if (cid) await call('POST', '/Item_Ticket', { input: { itemtype: 'Computer', items_id: Number(cid), tickets_id: Number(c.data.id) } });
      }
      return { serverId: c.data.id };
    },
    async findTicketByOp(opId: string) {
      const res = await call('GET', '/search/Ticket', undefined, {
        'criteria[0][field]': GLPI_OPT.content,
        'criteria[0][searchtype]': 'contains',
        'criteria[0][value]': `relais-op:${opId}`,
        'forcedisplay[0]': GLPI_OPT.id,
        range: '0-0',
      });
      const s = searchSchema.safeParse(res.data);
      if (!s.success) throw new SyncError('transient', 'GLPI search answered with an unexpected shape');
      const row = s.data.data[0] as Record<string, unknown> | undefined;
      return row ? String(row[GLPI_OPT.id]) : null;
    },
    async getTicket(serverId: string): Promise<TicketLookup> {
      let res: JsonResponse;
      try {
        res = await call('GET', `/Ticket/${encodeURIComponent(serverId)}`, undefined, { expand_dropdowns: false });
      } catch (err) {
        if (err instanceof SyncError && err.kind === 'notFound') return { state: 'gone' };
        throw err;
      }
      const t = ticketSchema.safeParse(res.data);
      if (!t.success) throw new BadDataError(`ticket ${serverId}: missing or invalid field ${t.error.issues[0]?.path.join('.')}`, serverId);
      if (t.data.is_deleted === 1 || t.data.is_deleted === true) return { state: 'gone' };
      // Dropdown names come from a search on this one id (same mapping as listings).
      const s = await call('GET', '/search/Ticket', undefined, searchParams({ 'criteria[0][field]': GLPI_OPT.id, 'criteria[0][searchtype]': 'equals', 'criteria[0][value]': serverId, range: '0-0' }));
      const sp = searchSchema.safeParse(s.data);
      const row = sp.success ? sp.data.data[0] : undefined;
      if (!row) return { state: 'gone' };
      const ticket = parseTicket(row);
      ticket.etag = t.data.date_mod;
      return { state: 'found', ticket };
    },
    async updateTicket(serverId: string, changes: Partial<SyncFields>, _etag: string | null) {
      const input = await toGlpi(changes);
      if (!Object.keys(input).length) return;
      const res = await call('PUT', `/Ticket/${encodeURIComponent(serverId)}`, { input });
      const r = putResultSchema.safeParse(res.data);
      if (r.success) {
        const first = r.data[0] ?? {};
        if (first[serverId] === false) throw new SyncError('rejected', String(first.message || 'GLPI refused the update'), res.status);
      }
    },
    async addFollowup(serverId: string, opId: string, f: { body: string; private: boolean; author: string }) {
      const res = await call('POST', '/ITILFollowup', {
        input: { itemtype: 'Ticket', items_id: Number(serverId), content: `${f.body}\n\n${opMarker(opId)}`, is_private: f.private ? 1 : 0 },
      });
      const c = createdSchema.safeParse(res.data);
      return { serverId: c.success ? c.data.id : null };
    },
    async findFollowupByOp(serverId: string, opId: string) {
      const list = await connector.listFollowups(serverId);
      return list.find((f) => f.opId === opId.toLowerCase())?.serverId ?? null;
    },
    async listFollowups(serverId: string): Promise<RemoteFollowup[]> {
      const out: RemoteFollowup[] = [];
      for (let start = 0; start < 100_000; start += 100) {
        const res = await call('GET', `/Ticket/${encodeURIComponent(serverId)}/ITILFollowup`, undefined, { range: `${start}-${start + 99}` });
        const arr = z.array(z.unknown()).safeParse(res.data);
        if (!arr.success) throw new SyncError('transient', 'GLPI follow-up list had an unexpected shape');
        for (const it of arr.data) {
          const f = followupSchema.safeParse(it);
          if (!f.success || f.data.content.length > MAX_BODY || f.data.content.includes('\uFFFD')) continue;
          out.push({
            serverId: f.data.id,
            author: String(f.data.users_id ?? ''),
            createdAt: toIso(f.data.date ?? f.data.date_creation ?? '1970-01-01 00:00:00', 'date', f.data.id),
            body: stripOpMarker(f.data.content),
            private: f.data.is_private === 1 || f.data.is_private === true,
            opId: findOpMarker(f.data.content),
          });
        }
        const total = contentRangeTotal(res.headers['content-range']);
        if (arr.data.length < 100 || (total !== null && start + 100 >= total)) break;
      }
      return out;
    },
    async listTickets(since: string | null, page: number, pageSize: number) {
      const start = (page - 1) * pageSize;
      const params: Record<string, unknown> = searchParams({ sort: GLPI_OPT.dateMod, order: 'ASC', range: `${start}-${start + pageSize - 1}` });
      if (since) Object.assign(params, { 'criteria[0][field]': GLPI_OPT.dateMod, 'criteria[0][searchtype]': 'morethan', 'criteria[0][value]': glpiDateOf(since) });
      let res: JsonResponse;
      try {
        res = await call('GET', '/search/Ticket', undefined, params);
      } catch (err) {
        // Asking past the end is an error on GLPI (ERROR_RANGE_EXCEED_TOTAL): an empty page.
        if (err instanceof SyncError && /RANGE_EXCEED_TOTAL/.test(err.serverMessage)) return { items: [], total: null, hasMore: false };
        throw err;
      }
      const s = searchSchema.safeParse(res.data);
      if (!s.success) throw new SyncError('transient', 'GLPI search answered with an unexpected shape');
      const total = contentRangeTotal(res.headers['content-range']) ?? s.data.totalcount;
      const items = res.invalidUtf8 ? s.data.data.map((it) => (JSON.stringify(it).includes('\uFFFD') && it && typeof it === 'object' ? { ...it, __invalidUtf8: true, id: (it as Record<string, unknown>)[GLPI_OPT.id] } : it)) : s.data.data;
      return { items, total, hasMore: start + items.length < total && items.length > 0 };
    },
    async listAllIds() {
      const ids: string[] = [];
      for (let start = 0; start < 10_000_000; start += 500) {
        let res: JsonResponse;
        try {
          res = await call('GET', '/search/Ticket', undefined, { 'forcedisplay[0]': GLPI_OPT.id, sort: GLPI_OPT.id, order: 'ASC', range: `${start}-${start + 499}` });
        } catch (err) {
          if (err instanceof SyncError && /RANGE_EXCEED_TOTAL/.test(err.serverMessage)) break;
          throw err;
        }
        const s = searchSchema.parse(res.data);
        for (const row of s.data) ids.push(String((row as Record<string, unknown>)[GLPI_OPT.id]));
        if (start + 500 >= s.totalcount) break;
      }
      return ids;
    },
    parseTicket,
    async close() {
      if (!session) return;
      try {
        await http.request({ method: 'GET', url: '/killSession', headers: { 'Session-Token': session, 'App-Token': await options.appToken() } });
      } catch {}
      session = null;
    },
  };
  return connector;
}

function contentRangeTotal(v: string | undefined): number | null {
  const m = /\/(\d+)\s*$/.exec(v ?? '');
  return m ? Number(m[1]) : null;
}

function splitContent(content: string): { requesterName: string | null; requesterPhone: string; description: string } {
  const m = /^Demandeur : ([^\n]*)\n\n?/.exec(content);
  if (!m) return { requesterName: null, requesterPhone: '', description: content };
  const [name = '', phone = ''] = m[1]!.split(' · ');
  return { requesterName: name, requesterPhone: phone, description: content.slice(m[0].length) };
}

function isSessionError(res: JsonResponse): boolean {
  const b = errorBodySchema.safeParse(res.data);
  return b.success && /ERROR_SESSION_TOKEN/.test(b.data[0]);
}

/** GLPI errors are `["ERROR_CODE", "message"]`; the code decides the class. */
function classify(res: JsonResponse): SyncError {
  const b = errorBodySchema.safeParse(res.data);
  const code = b.success ? b.data[0] : '';
  const message = b.success ? `${b.data[0]}: ${b.data[1]}`.slice(0, 500) : `HTTP ${res.status}`;
  if (/^ERROR_(SESSION_TOKEN|GLPI_LOGIN|WRONG_APP_TOKEN|APP_TOKEN_PARAMETERS_MISSING|LOGIN_PARAMETERS_MISSING)/.test(code)) return new SyncError('auth', message, res.status);
  if (code === 'ERROR_ITEM_NOT_FOUND') return new SyncError('notFound', message, res.status);
  if (code === 'ERROR_RIGHT_MISSING' || code === 'ERROR_NOT_ALLOWED') return new SyncError('rejected', message, res.status);
  return errorForStatus(res.status, message, res.headers);
}
