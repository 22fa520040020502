/**
 * GLPI connector (legacy REST API, `apirest.php`), written against what a real GLPI 10.0.18
 * does (`docs/glpi-observed.md`; test double: test/services/glpi-fake.ts).
 *
 * | local        | GLPI                                                                     |
 * |--------------|--------------------------------------------------------------------------|
 * | subject      | name (search option 1)                                                   |
 * | description  | content (21), rich text; the op id in an HTML comment people do not see  |
 * | status 1–6   | status (12); GLPI turns "new + assigned group/user" into 2 by itself     |
 * | type         | type (14): 1 incident, 2 request                                         |
 * | urgency etc. | urgency (10), impact (11), priority (3)                                  |
 * | category     | itilcategories_id (7: completename); unknown → refused locally           |
 * | team         | Group_Ticket type 2 (8: name, several = array, newest last), mapped;     |
 * |              | routing deletes the old row; a call kept by the hotline gets no group    |
 * | technician   | Ticket_User type 2 (5: user id), mapped; no GLPI account → none + note   |
 * | requester    | a GLPI user found by e-mail / phone / login (search/User), else the      |
 * |              | alternative e-mail and a visible "Demandeur (sans compte GLPI)" line     |
 * | solution     | ITILSolution (both ways); `status: 5` alone creates none                 |
 * | follow-ups   | ITILFollowup (is_private); only real follow-ups, not the call itself     |
 * | organisation | entities_id, mapped (`entities`), on create; GLPI's rules may file the   |
 * |              | ticket elsewhere: GLPI's entity stays, the ticket shows the difference   |
 * | deletion     | GLPI's trash (is_deleted) → deleted on the server                        |
 * | watermark    | date_mod (19), server-local time converted with the server's zone        |
 * Paging: always an explicit `range=a-b` (without it GLPI pages at the user's list_limit);
 * `Content-Range: a-b/total` gives the total (206 when partial). GLPI has no ETag: updates
 * re-read `date_mod` just before writing (three-way merge in the engine).
 */
import { z } from 'zod';
import { localize } from '../../../base/messages';
import type { JsonResponse } from '../http';
import { BadDataError, SyncError, type Connector, type ReadinessCheck, type RemoteFollowup, type ServerReadiness, type SyncFields, type SyncNotice, type TicketLookup } from '../types';
import { entityDifference, toGlpiEntity } from './glpi-entities';
import { MAX_BODY } from './common';
import { createLookups, EMPTY_MAPPINGS, glpiLoginFor, groupFor, operatorForLogin, type GlpiMappings, type LookupOptions } from './glpi/mapping';
import { decodeEntities, fromGlpiHtml, toGlpiHtml } from './glpi/richtext';
import { EXTRAS, GLPI_OPT, listOf, parseSearchRow, requesterLine, searchSchema, splitContent, type RowExtras } from './glpi/search';
import { contentRangeTotal, createGlpiSession, GlpiSetupError } from './glpi/session';
import { glpiLocalToIso, isoToGlpiLocal } from './glpi/time';

export { GLPI_OPT } from './glpi/search';

export interface GlpiOptions {
  /** Base URL of apirest.php, e.g. https://glpi.example.org/apirest.php */
  url: string;
  userToken: () => Promise<string> | string;
  appToken: () => Promise<string> | string;
  timeoutMs?: number;
  /** Team → group and operator → GLPI login mappings (read at each use: settings may change). */
  mappings?: () => GlpiMappings;
  /** The local teams the connection test checks a group for. */
  teams?: () => string[];
  /** The local operators the connection test checks a GLPI account for. */
  operators?: () => string[];
  /** The team that keeps calls it solves itself: such a call is sent without a group. */
  hotlineTeam?: string | null;
  lookups?: LookupOptions;
}

const idSchema = z.union([z.number().int(), z.string().regex(/^\d+$/)]).transform(String);
const createdSchema = z.object({ id: idSchema }).loose();
const ticketSchema = z.object({ id: idSchema, date_mod: z.string().min(10), is_deleted: z.union([z.number(), z.boolean(), z.string()]).optional() }).loose();
const actorRowSchema = z.object({ id: idSchema, type: z.union([z.number(), z.string()]).transform(Number) }).loose();
const followupSchema = z
  .object({ id: idSchema, content: z.string(), is_private: z.union([z.number(), z.boolean(), z.string()]).optional(), date: z.string().optional(), date_creation: z.string().optional(), users_id: z.union([z.number(), z.string()]).optional() })
  .loose();
const solutionSchema = z.object({ id: idSchema, content: z.string(), status: z.union([z.number(), z.string()]).transform(Number).optional() }).loose();
const putResultSchema = z.array(z.record(z.string(), z.unknown()));
const profileSchema = z.object({ session: z.object({ glpiactiveprofile: z.object({ group: z.union([z.number(), z.string()]).transform(Number).optional() }).loose().optional() }).loose() }).loose();

/** GLPI's rights bit for "create" (READ 1, UPDATE 2, CREATE 4, DELETE 8, PURGE 16). */
const RIGHT_CREATE = 4;
/** ITILSolution status "refused" (a reopened ticket's former solution). */
const SOLUTION_REFUSED = 4;
/**
 * Statuses GLPI leaves on its own when a follow-up is added: a waiting ticket is reopened
 * (GLPI 10.0.x `ParentStatus::updateParentStatus`, unless the follow-up is itself "pending").
 * Solved and closed tickets reopen only on `add_reopen`, which Relais never sends.
 */
const REOPENED_BY_FOLLOWUP = new Set([4]);
const ticketStatusSchema = z.object({ status: z.union([z.number(), z.string()]).transform(Number) }).loose();
const ticketEntitySchema = z.object({ entities_id: z.union([z.number(), z.string().regex(/^\d+$/)]).transform(Number) }).loose();
const entitySchema = z.object({ completename: z.string().optional(), name: z.string().optional() }).loose();

export const glpiErrors = {
  unknownCategory: (category: string) =>
    new GlpiSetupError('rejected', 'glpi.error.unknownCategory', { category }, localize('GLPI_UNKNOWN_CATEGORY', { category })),
  groupMissing: (team: string, group: string) =>
    new GlpiSetupError('rejected', 'glpi.error.groupMissing', { team, group }, localize('GLPI_GROUP_MISSING', { team, group })),
};

/** Ticket_Ticket's link type "fils de" (GLPI: LINK_TO 1, DUPLICATE_WITH 2, SON_OF 3, PARENT_OF 4). */
const GLPI_SON_OF = 3;

export function createGlpiConnector(options: GlpiOptions): Connector & { reauth(): Promise<void>; sessionToken(): string | null } {
  const session = createGlpiSession(options);
  const lookups = createLookups(session, options.lookups);
  const mappings = () => options.mappings?.() ?? EMPTY_MAPPINGS;
  const hotlineTeam = options.hotlineTeam === undefined ? 'Hotline' : options.hotlineTeam;
  const call = session.call;
  const ticketUrl = (id: string) => `/Ticket/${encodeURIComponent(id)}`;

  async function categoryId(category: string | null): Promise<number> {
    if (!category) return 0;
    const id = await lookups.category(category);
    // GLPI would store an unknown id as 0 without a word, and the next pull would erase the category.
    if (!id) throw glpiErrors.unknownCategory(category);
    return Number(id);
  }
  async function groupId(team: string): Promise<number> {
    const group = groupFor(mappings(), team);
    const id = await lookups.group(group);
    if (!id) throw glpiErrors.groupMissing(team, group);
    return Number(id);
  }
  /** The technician's GLPI user id, or null when the operator has no GLPI account. */
  async function technicianId(operator: string): Promise<number | null> {
    const id = await lookups.user(glpiLoginFor(mappings(), operator));
    return id ? Number(id) : null;
  }
  async function noteNoAccount(serverId: string, operator: string) {
    const login = glpiLoginFor(mappings(), operator);
    const body = `Relais : pris en charge par « ${operator} », qui n'a pas de compte GLPI${login !== operator ? ` (${login})` : ''} ; aucun technicien n'est attribué dans GLPI.`;
    await call('POST', '/ITILFollowup', { input: { itemtype: 'Ticket', items_id: Number(serverId), content: toGlpiHtml(body), is_private: 1 } });
  }

  /** Plain ticket fields (no actors) in GLPI's input vocabulary. */
  async function plainInput(fields: Partial<SyncFields>): Promise<Record<string, unknown>> {
    const input: Record<string, unknown> = {};
    if (fields.subject !== undefined) input.name = fields.subject;
    if (fields.description !== undefined) input.content = toGlpiHtml(fields.description);
    if (fields.status !== undefined) input.status = fields.status;
    if (fields.urgency !== undefined) input.urgency = fields.urgency;
    if (fields.impact !== undefined) input.impact = fields.impact;
    if (fields.priority !== undefined) input.priority = fields.priority;
    if (fields.type !== undefined) input.type = fields.type === 'request' ? 2 : 1;
    if (fields.category !== undefined) input.itilcategories_id = await categoryId(fields.category);
    return input;
  }

  /** Replaces the ticket's assigned actors of one kind: add the new row, delete the others. */
  async function replaceActor(serverId: string, itemtype: 'Group_Ticket' | 'Ticket_User', key: 'groups_id' | 'users_id', wanted: number | null, type = 2) {
    const res = await call('GET', `${ticketUrl(serverId)}/${itemtype}`, undefined, { range: '0-999' });
    const rows = z.array(z.unknown()).safeParse(res.data);
    const assigned = (rows.success ? rows.data : [])
      .map((r) => actorRowSchema.safeParse(r))
      .filter((r) => r.success && r.data.type === type)
      .map((r) => r.data!);
    const has = (row: Record<string, unknown>) => Number(row[key]) === wanted;
    if (wanted !== null && !assigned.some(has)) await call('POST', `/${itemtype}`, { input: { tickets_id: Number(serverId), [key]: wanted, type } });
    for (const row of assigned) if (!has(row)) await call('DELETE', `/${itemtype}/${row.id}`, undefined, { force_purge: 1 });
  }

  async function currentSolution(serverId: string): Promise<string | null> {
    const res = await call('GET', `${ticketUrl(serverId)}/ITILSolution`, undefined, { range: '0-999' });
    const rows = z.array(z.unknown()).safeParse(res.data);
    const list = (rows.success ? rows.data : []).map((r) => solutionSchema.safeParse(r)).filter((r) => r.success).map((r) => r.data!);
    const live = list.filter((s) => s.status !== SOLUTION_REFUSED).sort((a, b) => Number(a.id) - Number(b.id));
    const last = live[live.length - 1];
    return last ? fromGlpiHtml(last.content).text : null;
  }
  async function addSolution(serverId: string, text: string, opId: string | null) {
    await call('POST', '/ITILSolution', { input: { itemtype: 'Ticket', items_id: Number(serverId), content: toGlpiHtml(text, opId) } });
  }
  /**
   * Where GLPI filed a ticket we created with an entity: its business rules run at creation
   * and may choose another one. GLPI's value stays; the difference becomes a notice.
   */
  async function entityNotice(serverId: string, organisation: string | null): Promise<SyncNotice[]> {
    const map = mappings().entities ?? {};
    const t = ticketEntitySchema.safeParse((await call('GET', ticketUrl(serverId))).data);
    const diff = t.success ? entityDifference(map, organisation, t.data.entities_id) : null;
    if (!diff) return [];
    let entity = diff.server;
    if (entity === null) {
      const e = entitySchema.safeParse((await call('GET', `/Entity/${diff.serverEntitiesId}`).catch(() => ({ data: null }))).data);
      entity = e.success ? decodeEntities(e.data.completename ?? e.data.name ?? '') || null : null;
    }
    return [{ code: 'sync.entityMoved', params: { local: diff.local, server: entity ?? `#${diff.serverEntitiesId}`, entitiesId: diff.serverEntitiesId } }];
  }
  async function serverStatus(serverId: string): Promise<number | null> {
    const t = ticketStatusSchema.safeParse((await call('GET', ticketUrl(serverId))).data);
    return t.success ? t.data.status : null;
  }
  /**
   * A new solution text: GLPI refuses a second ITILSolution on a solved or closed ticket
   * ("did anyone pushed a solution before you?"). As in GLPI's own workflow, the ticket is
   * reopened first (GLPI marks the old solution refused and clears solvedate), then solved
   * with the new text. Nothing is sent when the live solution already says it.
   */
  async function resolveWith(serverId: string, text: string) {
    const status = await serverStatus(serverId);
    if (status !== null && status >= 5) {
      if ((await currentSolution(serverId)) === text) return;
      await call('PUT', ticketUrl(serverId), { input: { status: 2 } });
    }
    await addSolution(serverId, text, null);
  }

  /** Resolves what parsing needs beyond the row: technician login (field 5 is an id), solution. */
  async function enrich(rows: Record<string, unknown>[], withSolution: boolean): Promise<void> {
    let i = 0;
    const worker = async () => {
      while (i < rows.length) {
        const row = rows[i++]!;
        const extras: RowExtras = (row[EXTRAS] as RowExtras | undefined) ?? {};
        if (GLPI_OPT.tech in row) {
          const ids = listOf(row[GLPI_OPT.tech]);
          const newest = ids[ids.length - 1];
          extras.technicianLogin = newest ? ((/^\d+$/.test(newest) ? await lookups.login(newest) : newest) ?? null) : null;
        }
        const status = Number(row[GLPI_OPT.status]);
        if (withSolution && (status === 5 || status === 6) && row[GLPI_OPT.id] !== undefined) extras.solution = await currentSolution(String(row[GLPI_OPT.id]));
        row[EXTRAS] = extras;
      }
    };
    await Promise.all(Array.from({ length: 4 }, worker));
  }

  const forcedisplay = Object.values(GLPI_OPT);
  const searchParams = (extra: Record<string, unknown>) => {
    const p: Record<string, unknown> = { ...extra };
    forcedisplay.forEach((f, i) => (p[`forcedisplay[${i}]`] = f));
    return p;
  };
  async function searchTickets(params: Record<string, unknown>): Promise<{ rows: Record<string, unknown>[]; total: number; invalidUtf8: boolean } | null> {
    let res: JsonResponse;
    try {
      res = await call('GET', '/search/Ticket', undefined, params);
    } catch (err) {
      // Asking past the end is an error on GLPI (ERROR_RANGE_EXCEED_TOTAL): an empty page.
      if (err instanceof SyncError && /RANGE_EXCEED_TOTAL/.test(err.serverMessage)) return null;
      throw err;
    }
    const s = searchSchema.safeParse(res.data);
    if (!s.success) throw new SyncError('transient', 'GLPI search answered with an unexpected shape');
    return { rows: s.data.data, total: contentRangeTotal(res.headers['content-range']) ?? s.data.totalcount, invalidUtf8: res.invalidUtf8 };
  }

  async function parseContext() {
    const info = await session.serverInfo();
    return { zone: info.zone, mappings: mappings(), hotlineTeam };
  }
  let lastContext: Awaited<ReturnType<typeof parseContext>> | null = null;

  async function readiness(fix: boolean): Promise<ServerReadiness> {
    const info = await session.serverInfo();
    const prof = profileSchema.safeParse((await call('GET', '/getFullSession')).data);
    const canCreateGroups = ((prof.success ? prof.data.session.glpiactiveprofile?.group : 0) ?? 0) & RIGHT_CREATE;
    const checks: ReadinessCheck[] = [];
    const m = mappings();
    for (const team of options.teams?.() ?? []) {
      const group = groupFor(m, team);
      let ok = !!(await lookups.group(group));
      if (!ok && fix && canCreateGroups) {
        try {
          await call('POST', '/Group', { input: { name: group, is_assign: 1, is_requester: 1, is_watcher: 1, is_notify: 1, comment: `Créé par Relais pour l'équipe ${team}` } });
          lookups.forget();
          ok = !!(await lookups.group(group));
        } catch (err) {
          if (!(err instanceof SyncError) || err.kind === 'transient') throw err;
        }
      }
      checks.push({ key: `group:${team}`, ok, code: ok ? 'glpi.check.groupOk' : 'glpi.check.groupMissing', params: { team, group }, fixable: !ok && !!canCreateGroups });
    }
    for (const operator of options.operators?.() ?? []) {
      const login = glpiLoginFor(m, operator);
      const ok = !!(await lookups.user(login));
      // GLPI accounts come from the directory (LDAP/SSO): Relais maps, it never creates users.
      checks.push({ key: `technician:${operator}`, ok, code: ok ? 'glpi.check.technicianOk' : 'glpi.check.technicianMissing', params: { operator, login }, fixable: false });
    }
    return { account: info.account, serverVersion: info.version ? `GLPI ${info.version}` : null, checks };
  }

  const connector = {
    kind: 'glpi' as const,
    createSideEffects: ['status'] as const,
    sessionToken: () => session.token(),
    async reauth() {
      lookups.forget();
      await session.reopen();
    },
    inspect: () => readiness(false),
    /** The groups teams can map to and the entities organisations can map to (the settings' pickers). */
    async choices() {
      const list = async (itemtype: string) => {
        const res = await call('GET', `/${itemtype}`, undefined, { range: '0-999' });
        const rows = z.array(z.object({ id: idSchema, name: z.string().optional(), completename: z.string().optional() }).loose()).safeParse(res.data);
        return rows.success ? rows.data : [];
      };
      const groups = (await list('Group')).map((g) => decodeEntities(g.name ?? '')).filter(Boolean);
      const entities = (await list('Entity')).map((e) => ({ id: Number(e.id), name: decodeEntities(e.completename ?? e.name ?? '') }));
      return { groups: [...new Set(groups)].sort((a, b) => a.localeCompare(b, 'fr')), entities: entities.sort((a, b) => a.id - b.id) };
    },
    prepare: () => readiness(true),
    async testConnection() {
      await session.reopen();
      const info = await session.serverInfo();
      return { user: info.account, serverVersion: info.version ? `GLPI ${info.version}` : null };
    },
    async createTicket(opId: string, fields: SyncFields) {
      const input = await plainInput({ ...fields, description: undefined, solution: undefined });
      if (!input.name) input.name = (fields.description.split('\n')[0] ?? '').slice(0, 200) || '(sans objet)';
      const kept = !!fields.technician && fields.team === hotlineTeam && fields.status !== 1;
      if (fields.team && !kept) input._groups_id_assign = await groupId(fields.team);
      const techId = fields.technician ? await technicianId(fields.technician) : null;
      if (techId) input._users_id_assign = techId;
      const requesterId = await lookups.requester({ name: fields.requesterName, phone: fields.requesterPhone, email: fields.requesterEmail });
      let text = fields.description;
      if (requesterId) input._users_id_requester = Number(requesterId);
      else if (fields.requesterName || fields.requesterPhone || fields.requesterEmail) {
        if (fields.requesterEmail) Object.assign(input, { _users_id_requester: 0, _users_id_requester_notif: { use_notification: [1], alternative_email: [fields.requesterEmail] } });
        const line = requesterLine({ name: fields.requesterName, phone: fields.requesterPhone, email: fields.requesterEmail });
        text = text ? `${text}\n\n${line}` : line;
      }
      input.content = toGlpiHtml(text, opId);
      const entity = toGlpiEntity(mappings().entities ?? {}, fields.organisation);
      if (entity !== undefined) input.entities_id = entity;
      // A solved call: GLPI records a solution only as an ITILSolution, which itself solves the ticket.
      const solved = fields.status >= 5 && !!fields.solution;
      if (solved) delete input.status;
      const res = await call('POST', '/Ticket', { input });
      const c = createdSchema.safeParse(res.data);
      if (!c.success) throw new SyncError('transient', 'GLPI created the ticket but its answer had no id');
      const serverId = c.data.id;
      if (fields.technician && !techId) await noteNoAccount(serverId, fields.technician);
      if (fields.asset) {
        const cid = await lookups.computer(fields.asset);
        if (cid) await call('POST', '/Item_Ticket', { input: { itemtype: 'Computer', items_id: Number(cid), tickets_id: Number(serverId) } });
      }
      if (solved) {
        await addSolution(serverId, fields.solution!, opId);
        if (fields.status === 6) await call('PUT', ticketUrl(serverId), { input: { status: 6 } });
      }
      const notices = fields.organisation && Object.keys(mappings().entities ?? {}).length ? await entityNotice(serverId, fields.organisation) : [];
      return { serverId, notices };
    },
    async findTicketByOp(opId: string) {
      const found = await searchTickets({
        'criteria[0][field]': GLPI_OPT.content,
        'criteria[0][searchtype]': 'contains',
        'criteria[0][value]': opId,
        'forcedisplay[0]': GLPI_OPT.id,
        range: '0-0',
      });
      const row = found?.rows[0];
      return row ? String(row[GLPI_OPT.id]) : null;
    },
    async getTicket(serverId: string): Promise<TicketLookup> {
      let res: JsonResponse;
      try {
        res = await call('GET', ticketUrl(serverId), undefined, { expand_dropdowns: false });
      } catch (err) {
        if (err instanceof SyncError && err.kind === 'notFound') return { state: 'gone' };
        throw err;
      }
      const t = ticketSchema.safeParse(res.data);
      if (!t.success) throw new BadDataError(`ticket ${serverId}: missing or invalid field ${t.error.issues[0]?.path.join('.')}`, serverId);
      if (Number(t.data.is_deleted ?? 0) === 1 || t.data.is_deleted === true) return { state: 'gone' };
      // Dropdown names come from a search on this one id (same mapping as listings).
      const found = await searchTickets(searchParams({ 'criteria[0][field]': GLPI_OPT.id, 'criteria[0][searchtype]': 'equals', 'criteria[0][value]': serverId, range: '0-0' }));
      const row = found?.rows[0];
      if (!row) return { state: 'gone' };
      await enrich([row], true);
      const ticket = parseSearchRow(row, await parseContext());
      ticket.etag = t.data.date_mod;
      return { state: 'found', ticket };
    },
    async updateTicket(serverId: string, changes: Partial<SyncFields>, _etag: string | null) {
      const solving = changes.solution !== undefined && changes.solution !== null && changes.solution !== '' && (changes.status === undefined || changes.status >= 5);
      const input = await plainInput({ ...changes, solution: undefined, description: undefined });
      const requesterChanged = changes.requesterName !== undefined || changes.requesterPhone !== undefined || changes.requesterEmail !== undefined;
      if (changes.description !== undefined || requesterChanged) {
        // The content also carries the op id (comment) and maybe the requester line: rebuild it, never drop them.
        const current = ticketSchema.safeParse((await call('GET', ticketUrl(serverId))).data);
        const parts = splitContent(current.success ? String((current.data as Record<string, unknown>).content ?? '') : '');
        let requester = parts.requester;
        if (requesterChanged) {
          const wanted = { name: changes.requesterName ?? parts.requester?.name ?? '', phone: changes.requesterPhone ?? parts.requester?.phone ?? '', email: changes.requesterEmail ?? parts.requester?.email ?? '' };
          const uid = await lookups.requester(wanted);
          await replaceActor(serverId, 'Ticket_User', 'users_id', uid ? Number(uid) : null, 1);
          requester = uid ? null : wanted;
        }
        const text = changes.description ?? parts.description;
        const line = requester && (requester.name || requester.phone || requester.email) ? requesterLine(requester) : '';
        input.content = toGlpiHtml(line ? (text ? `${text}\n\n${line}` : line) : text, parts.opId);
      }
      // The solution record solves the ticket; a "closed" status follows it.
      if (solving && (input.status === 5 || input.status === undefined)) delete input.status;
      if (changes.team !== undefined) await replaceActor(serverId, 'Group_Ticket', 'groups_id', changes.team ? await groupId(changes.team) : null);
      if (changes.technician !== undefined) {
        const techId = changes.technician ? await technicianId(changes.technician) : null;
        await replaceActor(serverId, 'Ticket_User', 'users_id', techId);
        if (changes.technician && !techId) await noteNoAccount(serverId, changes.technician);
      }
      if (solving) await resolveWith(serverId, changes.solution!);
      if (!Object.keys(input).length) return;
      const res = await call('PUT', ticketUrl(serverId), { input });
      const r = putResultSchema.safeParse(res.data);
      if (r.success) {
        const first = r.data[0] ?? {};
        if (first[serverId] === false) throw new SyncError('rejected', String(first.message || 'GLPI refused the update'), res.status);
      }
    },
    async addFollowup(serverId: string, opId: string, f: { body: string; private: boolean; author: string; kind?: string; status?: number }) {
      // The call's own text is the ticket's content, a solution is an ITILSolution (sent with the status): not follow-ups.
      if (f.kind === 'call' || f.kind === 'solution') return { serverId: null };
      // A waiting ticket is reopened by GLPI on any follow-up: when the operator left it waiting
      // and GLPI has it so, the status is put back right after, so no pull ever reads GLPI's
      // side effect as someone's change. Only our own side effect is undone (checked before).
      const reassert = f.status !== undefined && REOPENED_BY_FOLLOWUP.has(f.status) && (await serverStatus(serverId)) === f.status ? f.status : null;
      const res = await call('POST', '/ITILFollowup', { input: { itemtype: 'Ticket', items_id: Number(serverId), content: toGlpiHtml(f.body, opId), is_private: f.private ? 1 : 0 } });
      const c = createdSchema.safeParse(res.data);
      if (reassert !== null && (await serverStatus(serverId)) !== reassert) await call('PUT', ticketUrl(serverId), { input: { status: reassert } });
      return { serverId: c.success ? c.data.id : null };
    },
    /** Ticket_Ticket with link 3 (SON_OF: tickets_id_1 is the son of tickets_id_2), once. */
    async linkParent(childServerId: string, parentServerId: string) {
      const res = await call('GET', '/Ticket_Ticket', undefined, { 'searchText[tickets_id_1]': `^${childServerId}$`, range: '0-49' });
      const links = z.array(z.object({ tickets_id_1: z.coerce.number(), tickets_id_2: z.coerce.number(), link: z.coerce.number() })).safeParse(res.data);
      if (links.success && links.data.some((l) => l.tickets_id_1 === Number(childServerId) && l.tickets_id_2 === Number(parentServerId) && l.link === GLPI_SON_OF)) return;
      await call('POST', '/Ticket_Ticket', { input: { tickets_id_1: Number(childServerId), tickets_id_2: Number(parentServerId), link: GLPI_SON_OF } });
    },
    async findFollowupByOp(serverId: string, opId: string) {
      const list = await connector.listFollowups(serverId);
      return list.find((f) => f.opId === opId.toLowerCase())?.serverId ?? null;
    },
    async listFollowups(serverId: string): Promise<RemoteFollowup[]> {
      const ctx = await parseContext();
      const out: RemoteFollowup[] = [];
      for (let start = 0; start < 100_000; start += 100) {
        const res = await call('GET', `${ticketUrl(serverId)}/ITILFollowup`, undefined, { range: `${start}-${start + 99}` });
        const arr = z.array(z.unknown()).safeParse(res.data);
        if (!arr.success) throw new SyncError('transient', 'GLPI follow-up list had an unexpected shape');
        for (const it of arr.data) {
          const f = followupSchema.safeParse(it);
          if (!f.success || f.data.content.length > MAX_BODY || f.data.content.includes('\uFFFD')) continue;
          const { text, opId } = fromGlpiHtml(f.data.content);
          const uid = f.data.users_id !== undefined ? String(f.data.users_id) : '';
          const login = uid && uid !== '0' ? await lookups.login(uid) : null;
          out.push({
            serverId: f.data.id,
            author: login ? operatorForLogin(ctx.mappings, login) : uid,
            createdAt: glpiLocalToIso(f.data.date ?? f.data.date_creation ?? '1970-01-01 00:00:00', ctx.zone) ?? new Date(0).toISOString(),
            body: text,
            private: Number(f.data.is_private ?? 0) === 1 || f.data.is_private === true,
            opId,
          });
        }
        const total = contentRangeTotal(res.headers['content-range']);
        if (arr.data.length < 100 || (total !== null && start + 100 >= total)) break;
      }
      return out;
    },
    async listTickets(since: string | null, page: number, pageSize: number) {
      const ctx = await parseContext();
      lastContext = ctx;
      const start = (page - 1) * pageSize;
      const criteria = since ? { 'criteria[0][field]': GLPI_OPT.dateMod, 'criteria[0][searchtype]': 'morethan', 'criteria[0][value]': isoToGlpiLocal(since, ctx.zone) } : {};
      const found = await searchTickets(searchParams({ sort: GLPI_OPT.dateMod, order: 'ASC', range: `${start}-${start + pageSize - 1}`, ...criteria }));
      const rows = found?.rows ?? [];
      if (found?.invalidUtf8) for (const r of rows) if (JSON.stringify(r).includes('\uFFFD')) r[EXTRAS] = { invalidUtf8: true } satisfies RowExtras;
      await enrich(rows, true);
      const total = found?.total ?? 0;
      const items: unknown[] = [...rows];
      let knownTotal: number | null = total;
      if (page === 1 && since) {
        // GLPI's trash is out of normal searches: ask for it, so a trashed ticket shows deleted now.
        const trashed = await searchTickets({ is_deleted: 1, 'forcedisplay[0]': GLPI_OPT.id, 'forcedisplay[1]': GLPI_OPT.dateMod, 'forcedisplay[2]': GLPI_OPT.date, range: '0-999', ...criteria });
        for (const r of trashed?.rows ?? []) items.push({ ...r, [GLPI_OPT.name]: '', [GLPI_OPT.status]: 1, [EXTRAS]: { deleted: true } satisfies RowExtras });
        // Extra items on page 1 would skew the engine's page count: let it page until the end instead.
        if (trashed?.rows.length) knownTotal = null;
      }
      return { items, total: knownTotal, hasMore: start + rows.length < total && rows.length > 0 };
    },
    async listAllIds() {
      const ids: string[] = [];
      for (let start = 0; start < 10_000_000; start += 500) {
        const found = await searchTickets({ 'forcedisplay[0]': GLPI_OPT.id, sort: GLPI_OPT.id, order: 'ASC', range: `${start}-${start + 499}` });
        if (!found) break;
        for (const row of found.rows) ids.push(String(row[GLPI_OPT.id]));
        if (start + 500 >= found.total) break;
      }
      return ids;
    },
    parseTicket: (raw: unknown) => parseSearchRow(raw, lastContext ?? { zone: { kind: 'offset', minutes: 0 }, mappings: mappings(), hotlineTeam }),
    async close() {
      await session.close();
    },
  };
  return connector;
}
