/**
 * Request Tracker 5 connector (REST2 at `/REST/2.0`, `Authorization: token …`).
 *
 * Field mapping (local ↔ RT):
 * | local            | RT                                                             |
 * |------------------|----------------------------------------------------------------|
 * | subject          | Subject                                                        |
 * | description      | Content of the Create transaction (sent on create only; RT     |
 * |                  | has no editable description)                                   |
 * | status 1         | new                                                            |
 * | status 2, 3      | open        (RT has one "open")                                |
 * | status 4         | stalled                                                        |
 * | status 5, 6      | resolved    (RT's default lifecycle has no separate "closed")  |
 * | exact status     | custom field RelaisStatus (1–6), trusted while RT's own status |
 * |                  | still maps to it: 3 and 6 survive the round trip              |
 * | (pull) rejected  | 6; deleted → the ticket is reconciled as deleted               |
 * | priority 1–6     | Priority (RT's integer; 0 = "not set" is not imported)         |
 * | team             | Queue (by name: queues are the teams)                          |
 * | technician       | Owner (user name; Nobody ↔ unassigned)                         |
 * | urgency, impact  | custom fields Urgency, Impact (1–5)                            |
 * | type             | custom field Type (incident / request)                         |
 * | category         | custom field Category (full name)                              |
 * | requester        | custom field Requester "Name · phone · email" (no RT Requestor:|
 * |                  | it would mail the agent on every change)                       |
 * | linked PC        | custom field Asset (PC name)                                   |
 * | organisation     | custom field Organisation (code), or a queue per organisation  |
 * |                  | (`organisation` option; on create only)                        |
 * | follow-up public | correspond (reply); private → comment                          |
 * | op UUID          | custom field RelaisOpId on tickets; marker line                |
 * |                  | `[relais-op:UUID]` at the end of follow-up content             |
 * Custom fields missing on the server cannot carry their field: `unsentFields` names them and
 * the ticket shows a warning. `inspect()` checks queues, custom fields and rights (the
 * connection test); `prepare()` creates missing queues and global custom fields when the
 * token has AdminQueue / AdminCustomField / AssignCustomFields.
 * Replies: RT's default scrip "On Correspond Open Inactive Tickets" reopens new and resolved
 * tickets; the reply carries `Status` (applied after it by REST2) so the operator's status stays.
 * The authenticated account: RT 5.0 has no "whoami"; TransactionSQL's __CurrentUser__ finds it.
 * Updates send `If-Match` with the ticket's ETag; RT answers 412 when it moved on.
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
  type ReadinessCheck,
  type RemoteTicket,
  type ServerReadiness,
  type SyncField,
  type SyncFields,
  type TicketLookup,
} from '../types';
import { clampText, isoOrThrow, MAX_BODY, MAX_SUBJECT } from './common';

export interface RtOptions {
  url: string;
  /** Read each time a request is made, so new credentials apply without a restart. */
  token: () => Promise<string> | string;
  timeoutMs?: number;
  parallelism?: number;
  /** Unused for the verdict (the server's own account is reported); kept for older settings. */
  user?: string;
  /** Where the requester's organisation goes; default: the custom field "Organisation" when RT has it. */
  organisation?: RtOrganisationMapping;
  /** The teams Relais routes to (the connection test checks a queue for each). */
  teams?: () => string[];
  /** Team → RT queue name when the queues are not named after the teams (a function: read at each use, so a new mapping applies at once). */
  queueMap?: Record<string, string> | (() => Record<string, string>);
}

/**
 * The organisation in RT (setting `sync.rtOrganisation`): a ticket custom field, or one
 * queue per organisation (then the team no longer picks the queue for those tickets).
 */
export const rtOrganisationSchema = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('customField'), field: z.string().trim().min(1).max(100) }),
  z.strictObject({ mode: z.literal('queue'), queues: z.record(z.string().max(64), z.string().trim().min(1).max(200)) }),
]);
export type RtOrganisationMapping = z.infer<typeof rtOrganisationSchema>;
export const DEFAULT_RT_ORGANISATION: RtOrganisationMapping = { mode: 'customField', field: 'Organisation' };

/** Custom fields the connector uses; RelaisOpId is required, the others carry ticket fields. */
export const RT_FIELD_CFS = ['Urgency', 'Impact', 'Type', 'Category', 'Requester', 'Asset', 'RelaisStatus'] as const;
/** Rights the token's account needs on each team queue. */
export const RT_RIGHTS = ['CreateTicket', 'ReplyToTicket', 'CommentOnTicket', 'ModifyTicket'] as const;

const STATUS_TO_RT: Record<number, string> = { 1: 'new', 2: 'open', 3: 'open', 4: 'stalled', 5: 'resolved', 6: 'resolved' };
/** Statuses RT's default scrips change on a reply (initial and inactive ones). */
const REOPENED_BY_REPLY = new Set([1, 5, 6]);
const STATUS_FROM_RT: Record<string, number> = { new: 1, open: 2, stalled: 4, resolved: 5, rejected: 6 };

const LIST_FIELDS = 'Subject,Status,Priority,LastUpdated,Created,Queue,Owner,CustomFields';

const refSchema = z.object({ id: z.union([z.string(), z.number()]).transform(String) }).loose();
const cfSchema = z.object({ name: z.string(), values: z.array(z.union([z.string(), z.number()]).transform(String)).default([]) }).loose();
const rtTicketSchema = z
  .object({
    id: z.union([z.string().regex(/^\d+$/), z.number().int()]).transform(String),
    Subject: z.string(),
    Status: z.string(),
    Priority: z.union([z.string(), z.number()]).transform(Number).optional(),
    LastUpdated: z.string(),
    Created: z.string(),
    Queue: z.object({ id: z.union([z.string(), z.number()]).transform(String), Name: z.string().optional() }).loose(),
    Owner: z.object({ id: z.string(), Name: z.string().optional() }).loose().optional(),
    CustomFields: z.array(cfSchema).optional(),
  })
  .loose();
const pageSchema = z.object({
  items: z.array(z.unknown()),
  total: z.number().int().nullable().optional(),
  page: z.coerce.number().int().optional(),
  pages: z.number().int().nullable().optional(),
  per_page: z.coerce.number().int().optional(),
  count: z.coerce.number().int().optional(),
});
const createdSchema = z.object({ id: z.union([z.string(), z.number()]).transform(String) }).loose();
const messageSchema = z.object({ message: z.string() }).loose();
const attachmentSchema = z
  .object({
    id: z.union([z.string(), z.number()]).transform(String),
    TransactionId: z.union([z.string(), z.number(), refSchema]).transform((v) => (typeof v === 'object' ? v.id : String(v))),
    Content: z.string().nullable().optional(),
    ContentType: z.string().nullable().optional(),
    Created: z.string(),
  })
  .loose();
const transactionSchema = z
  .object({
    id: z.union([z.string(), z.number()]).transform(String),
    Type: z.string(),
    Created: z.string(),
    Creator: refSchema.optional(),
  })
  .loose();
const queueSchema = z.object({ id: z.union([z.string(), z.number()]).transform(String), Name: z.string() }).loose();

export function createRtConnector(options: RtOptions): Connector & { setup(): Promise<void> } {
  const http = createHttp({
    baseURL: options.url.replace(/\/+$/, '') + '/REST/2.0',
    timeoutMs: options.timeoutMs,
    maxSockets: options.parallelism ?? 8,
  });
  let queues: Map<string, string> | null = null; // id -> name
  let customFields: Set<string> | null = null;

  async function call(method: string, url: string, body?: unknown, extraHeaders: Record<string, string> = {}, params?: Record<string, unknown>): Promise<JsonResponse> {
    const token = await options.token();
    if (!token) throw new SyncError('auth', 'no RT token configured');
    const res = await http.request({ method, url, data: body, params, headers: { Authorization: `token ${token}`, ...extraHeaders }, paramsSerializer: { indexes: null } });
    if (res.status >= 200 && res.status < 300) return res;
    throw errorForStatus(res.status, rtMessage(res), res.headers);
  }

  async function setup() {
    if (queues && customFields) return;
    const q = new Map<string, string>();
    for (let page = 1; page < 100; page++) {
      const res = await call('GET', '/queues/all', undefined, {}, { fields: 'Name', per_page: 100, page });
      const parsed = pageSchema.safeParse(res.data);
      if (!parsed.success) throw new SyncError('transient', 'unexpected answer to /queues/all');
      for (const it of parsed.data.items) {
        const qq = queueSchema.safeParse(it);
        if (qq.success) q.set(qq.data.id, qq.data.Name);
      }
      if (parsed.data.items.length < 100) break;
    }
    const cfs = new Set<string>();
    for (let page = 1; page < 100; page++) {
      const res = await call('POST', '/customfields', [{ field: 'LookupType', value: 'RT::Queue-RT::Ticket' }], {}, { fields: 'Name', per_page: 100, page }).catch(async (err) => {
        if (err instanceof SyncError && (err.kind === 'rejected' || err.kind === 'notFound')) return null;
        throw err;
      });
      if (!res) break;
      const parsed = pageSchema.safeParse(res.data);
      if (!parsed.success) break;
      for (const it of parsed.data.items) {
        const n = z.object({ Name: z.string() }).loose().safeParse(it);
        if (n.success) cfs.add(n.data.Name);
      }
      if (parsed.data.items.length < 100) break;
    }
    queues = q;
    customFields = cfs;
  }
  const hasCf = (name: string) => customFields?.has(name) ?? false;
  const queueMap = () => (typeof options.queueMap === 'function' ? options.queueMap() : options.queueMap) ?? {};
  const queueName = (id: string, inline?: string) => {
    const q = inline ?? queues?.get(id) ?? null;
    if (q === null) return null;
    return Object.entries(queueMap()).find(([, queue]) => queue === q)?.[0] ?? q;
  };
  const teamQueue = (team: string) => queueMap()[team] ?? team;

  function toRt(fields: Partial<SyncFields>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const cf: Record<string, string> = {};
    if (fields.subject !== undefined) out.Subject = fields.subject.slice(0, 200);
    if (fields.status !== undefined) {
      out.Status = STATUS_TO_RT[fields.status] ?? 'open';
      // RT has one "open" and one "resolved": the exact local status rides along.
      if (hasCf('RelaisStatus')) cf.RelaisStatus = String(fields.status);
    }
    if (fields.priority !== undefined) out.Priority = fields.priority;
    if (fields.team !== undefined && fields.team !== null) out.Queue = teamQueue(fields.team);
    if (fields.technician !== undefined) out.Owner = fields.technician ?? 'Nobody';
    if (fields.urgency !== undefined && hasCf('Urgency')) cf.Urgency = String(fields.urgency);
    if (fields.impact !== undefined && hasCf('Impact')) cf.Impact = String(fields.impact);
    if (fields.type !== undefined && hasCf('Type')) cf.Type = fields.type;
    if (fields.category !== undefined && hasCf('Category')) cf.Category = fields.category ?? '';
    if (fields.asset !== undefined && hasCf('Asset')) cf.Asset = fields.asset ?? '';
    if ((fields.requesterName !== undefined || fields.requesterPhone !== undefined || fields.requesterEmail !== undefined) && hasCf('Requester'))
      cf.Requester = [fields.requesterName ?? '', fields.requesterPhone ?? '', fields.requesterEmail ?? ''].join(' · ').replace(/( · )+$/, '');
    const org = options.organisation ?? DEFAULT_RT_ORGANISATION;
    if (fields.organisation) {
      if (org.mode === 'queue' && org.queues[fields.organisation]) out.Queue = org.queues[fields.organisation];
      if (org.mode === 'customField' && hasCf(org.field)) cf[org.field] = fields.organisation;
    }
    if (Object.keys(cf).length) out.CustomFields = cf;
    return out;
  }

  function parseTicket(raw: unknown): RemoteTicket {
    const idHint = typeof raw === 'object' && raw && 'id' in raw ? String((raw as { id: unknown }).id).slice(0, 20) : null;
    const p = rtTicketSchema.safeParse(raw);
    if (!p.success) {
      const issue = p.error.issues[0];
      throw new BadDataError(`missing or invalid field ${issue?.path.join('.') || '?'} (${issue?.message ?? 'invalid'})`, idHint);
    }
    const t = p.data;
    const cfs = new Map<string, string>();
    for (const cf of t.CustomFields ?? []) if (cf.values[0] !== undefined) cfs.set(cf.name, cf.values[0]);
    const deleted = t.Status === 'deleted';
    const status = STATUS_FROM_RT[t.Status];
    if (status === undefined && !deleted) throw new BadDataError(`unknown status "${t.Status.slice(0, 40)}"`, t.id);
    // RelaisStatus keeps 2 vs 3 and 5 vs 6 while RT's own status still agrees with it.
    const exact = Number(cfs.get('RelaisStatus'));
    const keptExact = status !== undefined && Number.isInteger(exact) && STATUS_TO_RT[exact] === t.Status ? exact : undefined;
    const fields: Partial<SyncFields> = {
      subject: clampText(t.Subject, MAX_SUBJECT, 'Subject', t.id),
      status: keptExact ?? status ?? 6,
    };
    if (t.Priority !== undefined && Number.isFinite(t.Priority) && t.Priority >= 1) fields.priority = Math.min(6, Math.round(t.Priority));
    const team = queueName(t.Queue.id, t.Queue.Name);
    if (team) fields.team = team;
    if (t.Owner) {
      const owner = t.Owner.Name ?? t.Owner.id;
      fields.technician = owner === 'Nobody' ? null : owner;
    }
    const level = (v: string | undefined) => {
      const n = Number(v);
      return Number.isInteger(n) && n >= 1 && n <= 5 ? n : undefined;
    };
    if (level(cfs.get('Urgency')) !== undefined) fields.urgency = level(cfs.get('Urgency'));
    if (level(cfs.get('Impact')) !== undefined) fields.impact = level(cfs.get('Impact'));
    const type = cfs.get('Type');
    if (type === 'incident' || type === 'request') fields.type = type;
    if (cfs.has('Category')) fields.category = cfs.get('Category') || null;
    if (cfs.has('Asset')) fields.asset = cfs.get('Asset') || null;
    if (cfs.has('Requester')) {
      const [name = '', phone = '', email = ''] = (cfs.get('Requester') ?? '').split(' · ');
      fields.requesterName = clampText(name, 200, 'Requester', t.id);
      fields.requesterPhone = phone.slice(0, 40);
      fields.requesterEmail = email.slice(0, 200);
    }
    for (const v of Object.values(fields)) if (typeof v === 'string' && v.includes('\uFFFD')) throw new BadDataError('invalid UTF-8 in the ticket text', t.id);
    return {
      serverId: t.id,
      updatedAt: isoOrThrow(t.LastUpdated, 'LastUpdated', t.id),
      createdAt: isoOrThrow(t.Created, 'Created', t.id),
      fields,
      etag: null,
      opId: cfs.get('RelaisOpId') ?? null,
      deleted,
    };
  }

  /** RT 5.0 has no "who am I": the account's own Create transaction names it (TransactionSQL knows __CurrentUser__). */
  async function whoAmI(): Promise<string> {
    const res = await call('GET', '/transactions', undefined, {}, { query: "ObjectType = 'RT::User' AND ObjectId = '__CurrentUser__'", fields: 'ObjectId', per_page: 1 });
    const id = z.object({ items: z.array(z.object({ ObjectId: z.union([z.string(), z.number()]).transform(String) }).loose()) }).loose().safeParse(res.data);
    const userId = id.success ? id.data.items[0]?.ObjectId : undefined;
    if (!userId) return '?';
    const user = await call('GET', `/user/${encodeURIComponent(userId)}`);
    const name = z.object({ Name: z.string() }).loose().safeParse(user.data);
    return name.success ? name.data.Name : userId;
  }

  /** Rights on one queue: CreateTicket from the queue's links; the others from a ticket of that queue, when there is one. */
  async function queueRights(queueId: string): Promise<Record<string, boolean | null>> {
    const out: Record<string, boolean | null> = { CreateTicket: false, ReplyToTicket: null, CommentOnTicket: null, ModifyTicket: null };
    const q = await call('GET', `/queue/${encodeURIComponent(queueId)}`);
    out.CreateTicket = refsOf(q.data).has('create');
    const one = await call('GET', '/tickets', undefined, {}, { query: `Queue = ${Number(queueId)}`, fields: 'id', per_page: 1 });
    const first = pageSchema.safeParse(one.data);
    const tid = first.success ? createdSchema.safeParse(first.data.items[0]).data?.id : undefined;
    if (tid) {
      const refs = refsOf((await call('GET', `/ticket/${encodeURIComponent(tid)}`)).data);
      out.ReplyToTicket = refs.has('correspond');
      out.CommentOnTicket = refs.has('comment');
      out.ModifyTicket = refs.has('lifecycle');
    }
    return out;
  }

  async function inspect(): Promise<ServerReadiness> {
    const res = await call('GET', '/rt');
    const version = z.object({ Version: z.string() }).loose().safeParse(res.data);
    if (!version.success) throw new SyncError('rejected', 'this URL answers but is not Request Tracker 5 (no /REST/2.0/rt version): check the server address');
    const account = await whoAmI();
    queues = null;
    customFields = null;
    await setup();
    const checks: ReadinessCheck[] = [];
    const byName = new Map([...(queues ?? new Map<string, string>())].map(([id, name]) => [name, id]));
    for (const team of options.teams?.() ?? []) {
      const queue = teamQueue(team);
      const qid = byName.get(queue);
      checks.push({ key: `queue:${queue}`, ok: !!qid, code: qid ? 'sync.check.queueOk' : 'sync.check.queueMissing', params: { team, queue }, fixable: !qid });
      if (!qid) continue;
      const rights = await queueRights(qid);
      for (const right of RT_RIGHTS) {
        const has = rights[right];
        checks.push({ key: `right:${right}:${queue}`, ok: has !== false, code: has === null ? 'sync.check.rightUnverified' : has ? 'sync.check.rightOk' : 'sync.check.rightMissing', params: { right, queue }, fixable: false });
      }
    }
    for (const name of ['RelaisOpId', ...RT_FIELD_CFS]) {
      const ok = hasCf(name);
      const missingCode = name === 'RelaisOpId' ? 'sync.check.opFieldMissing' : 'sync.check.fieldMissing';
      checks.push({ key: `customfield:${name}`, ok, code: ok ? 'sync.check.fieldOk' : missingCode, params: { field: name }, fixable: !ok });
    }
    return { account, serverVersion: `Request Tracker ${version.data.Version}`, checks };
  }

  /** Creates the missing queues and custom fields (global, single-value free-form); what RT refuses is reported, not thrown. */
  async function prepare(): Promise<ServerReadiness> {
    const before = await inspect();
    const refused: ReadinessCheck[] = [];
    for (const c of before.checks) {
      if (c.ok || !c.fixable) continue;
      try {
        if (c.key.startsWith('queue:')) await call('POST', '/queue', { Name: String(c.params?.queue) });
        else if (c.key.startsWith('customfield:'))
          await call('POST', '/customfield', { Name: String(c.params?.field), Type: 'Freeform', MaxValues: 1, LookupType: 'RT::Queue-RT::Ticket', Queue: 0 });
      } catch (err) {
        if (!(err instanceof SyncError) || (err.kind !== 'rejected' && err.kind !== 'notFound')) throw err;
        refused.push({ ...c, fixable: false, code: c.key.startsWith('queue:') ? 'sync.check.queueNeedsAdmin' : 'sync.check.fieldNeedsAdmin' });
      }
    }
    const after = await inspect();
    for (const r of refused) {
      const i = after.checks.findIndex((c) => c.key === r.key && !c.ok);
      if (i >= 0) after.checks[i] = r;
    }
    return after;
  }

  const connector: Connector & { setup(): Promise<void> } = {
    kind: 'rt',
    setup,
    async testConnection() {
      const r = await inspect();
      const missingOp = r.checks.find((c) => c.key === 'customfield:RelaisOpId' && !c.ok);
      if (missingOp)
        throw new SyncError('rejected', 'the RT custom field RelaisOpId is missing: create it (free-form, single value, applied to all queues) so Relais can recognise its own tickets');
      return { user: r.account, serverVersion: r.serverVersion };
    },
    inspect,
    prepare,
    /** The queues the settings can map teams to (fresh: one may have just been created). */
    async choices() {
      queues = null;
      customFields = null;
      await setup();
      return { queues: [...new Set(queues!.values())].sort((a, b) => a.localeCompare(b, 'fr')) };
    },
    unsentFields(fields) {
      const need: [SyncField, string][] = [
        ['urgency', 'Urgency'], ['impact', 'Impact'], ['type', 'Type'], ['category', 'Category'], ['asset', 'Asset'],
        ['requesterName', 'Requester'], ['requesterPhone', 'Requester'],
      ];
      // A value that is empty loses nothing; one with no custom field to carry it would be lost.
      return need.filter(([f, cf]) => fields[f] !== undefined && fields[f] !== null && fields[f] !== '' && !hasCf(cf)).map(([f]) => f);
    },
    async createTicket(opId, fields) {
      await setup();
      const body: Record<string, unknown> = {
        Queue: fields.team ? teamQueue(fields.team) : 'General',
        ...toRt(fields),
        Subject: (fields.subject || fields.description.split('\n')[0] || '(sans objet)').slice(0, 200),
        Content: fields.description || fields.subject,
        ContentType: 'text/plain',
      };
      body.CustomFields = { ...((body.CustomFields as Record<string, string>) ?? {}), RelaisOpId: opId };
      if (fields.technician === null) delete body.Owner;
      const res = await call('POST', '/ticket', body);
      const created = createdSchema.safeParse(res.data);
      if (!created.success) throw new SyncError('transient', 'RT created the ticket but its answer had no id');
      return { serverId: created.data.id };
    },
    async findTicketByOp(opId) {
      await setup();
      const res = await call('GET', '/tickets', undefined, {}, { query: `CF.{RelaisOpId} = '${opId.replace(/[^0-9a-f-]/gi, '')}'`, fields: 'id' });
      const page = pageSchema.parse(res.data);
      const first = page.items[0];
      return first ? createdSchema.parse(first).id : null;
    },
    async getTicket(serverId) {
      await setup();
      let res: JsonResponse;
      try {
        res = await call('GET', `/ticket/${encodeURIComponent(serverId)}`);
      } catch (err) {
        if (err instanceof SyncError && err.kind === 'notFound') return { state: 'gone' } satisfies TicketLookup;
        throw err;
      }
      if (res.invalidUtf8) throw new BadDataError('invalid UTF-8 in the ticket text', serverId);
      const ticket = parseTicket(res.data);
      if (ticket.serverId !== serverId) return { state: 'merged', into: ticket.serverId };
      if (ticket.deleted) return { state: 'gone' };
      ticket.etag = res.headers.etag ?? null;
      return { state: 'found', ticket };
    },
    async updateTicket(serverId, changes, etag) {
      await setup();
      const body = toRt(changes);
      if (!Object.keys(body).length) return;
      const res = await call('PUT', `/ticket/${encodeURIComponent(serverId)}`, body, etag ? { 'If-Match': etag } : {});
      // RT answers 200 with one message per field, including refusals ("isn't a valid status",
      // "That user does not exist", "Permission Denied"): those are rejections.
      const msgs = z.array(z.string()).safeParse(res.data);
      if (msgs.success) {
        const bad = msgs.data.filter((m) => /isn't a valid|does not exist|permission denied|not allowed|invalid|could not|can't|cannot|failed/i.test(m));
        if (bad.length) throw new SyncError('rejected', bad.join(' ; ').slice(0, 500), 200);
      }
    },
    async addFollowup(serverId, opId, f) {
      const path = f.private ? 'comment' : 'correspond';
      const content = `${f.body}\n\n${opMarker(opId)}`;
      const body: Record<string, unknown> = { Content: content, ContentType: 'text/plain' };
      // RT's default scrip "On Correspond Open Inactive Tickets" reopens a new or resolved
      // ticket on every reply. REST2 applies `Status` after the reply in the same request,
      // so the operator's status is what the ticket ends with (and no read-back sees "open").
      if (!f.private && f.status !== undefined && REOPENED_BY_REPLY.has(f.status)) body.Status = STATUS_TO_RT[f.status];
      const res = await call('POST', `/ticket/${encodeURIComponent(serverId)}/${path}`, body);
      // The reply's transaction (Location: /REST/2.0/transaction/ID) links the timeline entry at once.
      return { serverId: /\/transaction\/(\d+)\/?$/.exec(res.headers.location ?? '')?.[1] ?? null };
    },
    async linkParent(childServerId, parentServerId) {
      await setup();
      // REST2 adds the link with "Add<Type>" (RT::REST2 _update_links); a link already there is kept.
      const res = await call('PUT', `/ticket/${encodeURIComponent(childServerId)}`, { AddMemberOf: parentServerId });
      const msgs = z.array(z.string()).safeParse(res.data);
      const bad = msgs.success ? msgs.data.filter((m) => /permission denied|not allowed|couldn't|could not|invalid|no such/i.test(m) && !/already exists/i.test(m)) : [];
      if (bad.length) throw new SyncError('rejected', bad.join(' ; ').slice(0, 500), 200);
    },
        async findFollowupByOp(serverId, opId) {
      for (let page = 1; page < 1000; page++) {
        const res = await call('GET', `/ticket/${encodeURIComponent(serverId)}/attachments`, undefined, {}, { fields: 'Content,TransactionId,Created', per_page: 100, page });
        const p = pageSchema.parse(res.data);
        for (const it of p.items) {
          const a = attachmentSchema.safeParse(it);
          if (a.success && a.data.Content && findOpMarker(a.data.Content) === opId.toLowerCase()) return a.data.TransactionId;
        }
        if (p.items.length < 100) return null;
      }
      return null;
    },
    async listFollowups(serverId) {
      const types = new Map<string, { type: string; author: string; created: string }>();
      for (let page = 1; page < 1000; page++) {
        const res = await call('GET', `/ticket/${encodeURIComponent(serverId)}/history`, undefined, {}, { fields: 'Type,Created,Creator', per_page: 100, page });
        const p = pageSchema.parse(res.data);
        for (const it of p.items) {
          const tx = transactionSchema.safeParse(it);
          if (tx.success) types.set(tx.data.id, { type: tx.data.Type, author: tx.data.Creator?.id ?? '', created: tx.data.Created });
        }
        if (p.items.length < 100) break;
      }
      const out: RemoteFollowup[] = [];
      for (let page = 1; page < 1000; page++) {
        const res = await call('GET', `/ticket/${encodeURIComponent(serverId)}/attachments`, undefined, {}, { fields: 'Content,TransactionId,ContentType,Created', per_page: 100, page });
        const p = pageSchema.parse(res.data);
        for (const it of p.items) {
          const a = attachmentSchema.safeParse(it);
          if (!a.success || !a.data.Content) continue;
          if (a.data.ContentType && !a.data.ContentType.startsWith('text/plain')) continue;
          const tx = types.get(a.data.TransactionId);
          if (!tx || (tx.type !== 'Correspond' && tx.type !== 'Comment')) continue;
          if (out.some((o) => o.serverId === a.data.TransactionId)) continue;
          const body = a.data.Content;
          if (body.length > MAX_BODY) continue;
          out.push({
            serverId: a.data.TransactionId,
            author: tx.author,
            createdAt: isoOrThrow(tx.created, 'Created', a.data.TransactionId),
            body: stripOpMarker(body),
            private: tx.type === 'Comment',
            opId: findOpMarker(body),
          });
        }
        if (p.items.length < 100) break;
      }
      return out;
    },
    async listTickets(since, page, pageSize) {
      await setup();
      const query = since ? `LastUpdated >= '${rtDate(since)}'` : 'id > 0';
      const res = await call('GET', '/tickets', undefined, {}, {
        query,
        orderby: ['LastUpdated', 'id'],
        order: ['ASC', 'ASC'],
        page,
        per_page: Math.min(pageSize, 100),
        fields: LIST_FIELDS,
        'fields[Queue]': 'Name',
        'fields[Owner]': 'Name',
      });
      const p = pageSchema.safeParse(res.data);
      if (!p.success) throw new SyncError('transient', 'RT answered the ticket search with an unexpected shape');
      const items = res.invalidUtf8 ? p.data.items.map((it) => markInvalid(it)) : p.data.items;
      return { items, total: p.data.total ?? null, hasMore: p.data.items.length >= Math.min(pageSize, 100) };
    },
    async listAllIds() {
      const ids: string[] = [];
      for (let page = 1; page < 100_000; page++) {
        const res = await call('GET', '/tickets', undefined, {}, { query: 'id > 0', orderby: 'id', order: 'ASC', page, per_page: 100, fields: 'id' });
        const p = pageSchema.parse(res.data);
        for (const it of p.items) {
          const c = createdSchema.safeParse(it);
          if (c.success) ids.push(c.data.id);
        }
        if (p.items.length < 100) break;
      }
      return ids;
    },
    parseTicket,
    async close() {},
  };
  return connector;
}

/** The `ref`s of a REST2 record's hypermedia links (what the account may do with it). */
function refsOf(data: unknown): Set<string> {
  const p = z.object({ _hyperlinks: z.array(z.object({ ref: z.string() }).loose()) }).loose().safeParse(data);
  return new Set(p.success ? p.data._hyperlinks.map((l) => l.ref) : []);
}

/** When a page was not valid UTF-8, items carrying a replacement character are flagged. */
function markInvalid(item: unknown): unknown {
  if (JSON.stringify(item).includes('\uFFFD') && item && typeof item === 'object') return { ...item, __invalidUtf8: true, Subject: '\uFFFD' };
  return item;
}

function rtMessage(res: JsonResponse): string {
  const m = messageSchema.safeParse(res.data);
  if (m.success) return m.data.message.slice(0, 500);
  if (typeof res.data === 'string') return res.data.slice(0, 300).replace(/<[^>]+>/g, ' ').trim() || `HTTP ${res.status}`;
  return `HTTP ${res.status}`;
}

/** TicketSQL date (UTC: the connector always talks UTC). */
function rtDate(iso: string): string {
  return new Date(iso).toISOString().replace('T', ' ').slice(0, 19);
}

