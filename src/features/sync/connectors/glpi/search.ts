/**
 * GLPI `search/Ticket` rows → Relais's ticket fields (pull direction).
 *
 * Rows are keyed by search option id. What a real GLPI 10.0.18 sends (docs/glpi-observed.md):
 * text entity-encoded (decoded here), field 5 (technician) a user id as a string, field 8
 * (group) a string for one group and an array for several, oldest first (the newest is the
 * ticket's team), dates in the server's zone without offset (converted to UTC). The async
 * parts (user id → login, the ticket's ITILSolution, trash) are resolved by the connector
 * before parsing and carried in `__relais`.
 */
import { z } from 'zod';
import { BadDataError, type RemoteTicket, type SyncFields } from '../../types';
import { clampText, MAX_BODY, MAX_SUBJECT } from '../common';
import { fromGlpiHtml, decodeEntities } from './richtext';
import { operatorForLogin, teamForGroup, type GlpiMappings } from './mapping';
import { glpiLocalToIso, type ServerZone } from './time';

/** Search options of GLPI's Ticket itemtype used in listings. */
export const GLPI_OPT = { name: 1, id: 2, priority: 3, tech: 5, category: 7, group: 8, urgency: 10, impact: 11, status: 12, type: 14, date: 15, dateMod: 19, content: 21 } as const;

/** What the connector resolved for a row before it is parsed. */
export interface RowExtras {
  /** The assigned technician's GLPI login (field 5 holds ids). */
  technicianLogin?: string | null;
  /** The ticket's current solution text (ITILSolution), for solved or closed tickets. */
  solution?: string | null;
  /** Found in GLPI's trash. */
  deleted?: boolean;
  invalidUtf8?: boolean;
}
export const EXTRAS = '__relais';

const idSchema = z.union([z.number().int(), z.string().regex(/^\d+$/)]).transform(String);
const level = z.union([z.number(), z.string().regex(/^\d+$/)]).transform(Number).pipe(z.number().int().min(1).max(6));
const textOrList = z.union([z.string(), z.number().transform(String), z.array(z.union([z.string(), z.number().transform(String)]))]).nullable().optional();
const searchRowSchema = z
  .object({
    [GLPI_OPT.id]: idSchema,
    [GLPI_OPT.name]: z.string(),
    [GLPI_OPT.status]: z.union([z.number(), z.string()]).transform(Number),
    [GLPI_OPT.dateMod]: z.string().min(10),
    [GLPI_OPT.date]: z.string().min(10),
    [GLPI_OPT.priority]: level.nullable().optional(),
    [GLPI_OPT.urgency]: level.nullable().optional(),
    [GLPI_OPT.impact]: level.nullable().optional(),
    [GLPI_OPT.type]: z.union([z.number(), z.string()]).transform(Number).nullable().optional(),
    [GLPI_OPT.category]: z.string().nullable().optional(),
    [GLPI_OPT.group]: textOrList,
    [GLPI_OPT.tech]: textOrList,
    [GLPI_OPT.content]: z.string().nullable().optional(),
  })
  .loose();
export const searchSchema = z.object({ totalcount: z.number().int(), count: z.number().int().optional(), data: z.array(z.record(z.string(), z.unknown())).optional().default([]) }).loose();

/** Field 5 / 8: one value, several (array, oldest first), or none. */
export function listOf(v: unknown): string[] {
  if (v === null || v === undefined || v === '') return [];
  return (Array.isArray(v) ? v : [v]).map((x) => String(x)).filter((x) => x !== '' && x !== '0');
}

/** The requester line a ticket carries when the caller has no GLPI account (visible to people). */
export const REQUESTER_LABEL = 'Demandeur (sans compte GLPI) :';
export function requesterLine(r: { name: string; phone: string; email: string }): string {
  return `${REQUESTER_LABEL} ${[r.name, r.phone, r.email].filter(Boolean).join(' · ')}`;
}
const requesterRe = /(?:^|\n\n)Demandeur \(sans compte GLPI\) : ([^\n]*)$/;

/** Ticket content (decoded text) → description, requester line and op id. */
export function splitContent(stored: string): { description: string; opId: string | null; requester: { name: string; phone: string; email: string } | null } {
  const { text, opId } = fromGlpiHtml(stored);
  // Content sent by Relais before rich text: a "Demandeur :" first line and a visible marker.
  const legacy = /^Demandeur : ([^\n]*)\n\n?/.exec(text);
  let body = text.replace(/\n*\[relais-op:[0-9a-f-]{36}\]\s*$/i, '');
  const legacyOp = /\[relais-op:([0-9a-f-]{36})\]/i.exec(text)?.[1]?.toLowerCase() ?? null;
  if (legacy) {
    const [name = '', phone = ''] = legacy[1]!.split(' · ');
    return { description: body.slice(legacy[0].length), opId: opId ?? legacyOp, requester: { name, phone, email: '' } };
  }
  const m = requesterRe.exec(body);
  let requester: { name: string; phone: string; email: string } | null = null;
  if (m) {
    const parts = m[1]!.split(' · ');
    const email = parts.length > 1 && parts[parts.length - 1]!.includes('@') ? parts.pop()! : '';
    requester = { name: parts[0] ?? '', phone: parts[1] ?? '', email };
    body = body.slice(0, m.index);
  }
  return { description: body.trim(), opId: opId ?? legacyOp, requester };
}

export interface ParseContext {
  zone: ServerZone;
  mappings: GlpiMappings;
  hotlineTeam: string | null;
}

export function parseSearchRow(raw: unknown, ctx: ParseContext): RemoteTicket {
  const rec = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const idHint = String(rec[GLPI_OPT.id] ?? rec.id ?? '').slice(0, 20) || null;
  const extras = (rec[EXTRAS] ?? {}) as RowExtras;
  if (extras.invalidUtf8) throw new BadDataError('invalid UTF-8 in the ticket text', idHint);
  const p = searchRowSchema.safeParse(raw);
  if (!p.success) {
    const issue = p.error.issues[0];
    throw new BadDataError(`missing or invalid field ${issue?.path.join('.') || '?'} (${issue?.message ?? 'invalid'})`, idHint);
  }
  const r = p.data as Record<number, unknown>;
  const id = r[GLPI_OPT.id] as string;
  const date = (v: unknown, field: string) => {
    const iso = glpiLocalToIso(String(v), ctx.zone);
    if (!iso) throw new BadDataError(`invalid date in ${field} ("${String(v).slice(0, 40)}")`, id);
    return iso;
  };
  const updatedAt = date(r[GLPI_OPT.dateMod], 'date_mod');
  const createdAt = date(r[GLPI_OPT.date], 'date');
  if (extras.deleted) return { serverId: id, updatedAt, createdAt, fields: {}, etag: null, opId: null, deleted: true };
  const status = r[GLPI_OPT.status] as number;
  if (!Number.isInteger(status) || status < 1 || status > 6) throw new BadDataError(`unknown status "${String(status).slice(0, 20)}"`, id);
  const content = (r[GLPI_OPT.content] as string | null | undefined) ?? null;
  if (content && content.length > MAX_BODY) throw new BadDataError(`content too large (${content.length} characters, limit ${MAX_BODY})`, id);
  const fields: Partial<SyncFields> = { subject: clampText(decodeEntities(r[GLPI_OPT.name] as string), MAX_SUBJECT, 'name', id), status };
  for (const [k, opt] of [['priority', GLPI_OPT.priority], ['urgency', GLPI_OPT.urgency], ['impact', GLPI_OPT.impact]] as const) {
    const v = r[opt];
    if (typeof v === 'number') fields[k] = v;
  }
  const type = r[GLPI_OPT.type];
  if (type === 1 || type === 2) fields.type = type === 2 ? 'request' : 'incident';
  if (GLPI_OPT.category in r) fields.category = decodeEntities((r[GLPI_OPT.category] as string | null) ?? '') || null;
  if (GLPI_OPT.group in r) {
    const groups = listOf(r[GLPI_OPT.group]).map(decodeEntities);
    const newest = groups[groups.length - 1];
    // No group in GLPI: the call stayed with the hotline (a kept call is sent without one).
    fields.team = newest ? teamForGroup(ctx.mappings, newest) : ctx.hotlineTeam;
  }
  if (extras.technicianLogin !== undefined) fields.technician = extras.technicianLogin ? operatorForLogin(ctx.mappings, extras.technicianLogin) : null;
  if (extras.solution !== undefined) fields.solution = extras.solution;
  let opId: string | null = null;
  if (content !== null) {
    const c = splitContent(content);
    fields.description = c.description;
    opId = c.opId;
    if (c.requester) {
      fields.requesterName = c.requester.name;
      fields.requesterPhone = c.requester.phone;
    }
  }
  for (const v of Object.values(fields)) if (typeof v === 'string' && v.includes('\uFFFD')) throw new BadDataError('invalid UTF-8 in the ticket text', id);
  return { serverId: id, updatedAt, createdAt, fields, etag: null, opId, deleted: false };
}
