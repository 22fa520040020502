import { z } from 'zod';
import { channelSchema, statusSchema, ticketTypeSchema } from './tickets';
import { tierSchema } from './organisation';

/** Columns the queue can be sorted by (the core sorts: the renderer only ever holds a page). */
export const sortColumnSchema = z.enum(['number', 'subject', 'status', 'priority', 'requester', 'team', 'technician', 'category', 'createdAt', 'updatedAt', 'ttrDue', 'organisation', 'service', 'tier']);
export type SortColumn = z.infer<typeof sortColumnSchema>;

export const queueFilterSchema = z.strictObject({
  statuses: z.array(statusSchema).max(6).optional(),
  teamIds: z.array(z.string().max(64)).max(50).optional(),
  technician: z.string().max(120).optional(),
  priorities: z.array(z.number().int().min(1).max(6)).max(6).optional(),
  slaBreached: z.boolean().optional(),
  /** Assigned to the person at this console. */
  mine: z.boolean().optional(),
  unassigned: z.boolean().optional(),
  /** On hold with a reminder date now past: the operator calls back. */
  remindersDue: z.boolean().optional(),
  /** Full-text search (FTS5) over subject, description, requester, PC and follow-ups. */
  text: z.string().trim().max(200).optional(),
  /** The requester's organisation, service and tier when the call was logged. */
  organisationIds: z.array(z.string().max(64)).max(10).optional(),
  serviceIds: z.array(z.string().max(64)).max(200).optional(),
  tiers: z.array(tierSchema).max(3).optional(),
});
export type QueueFilter = z.infer<typeof queueFilterSchema>;

export const queueQuerySchema = z.strictObject({
  filter: queueFilterSchema.default({}),
  sort: sortColumnSchema.default('updatedAt'),
  dir: z.enum(['asc', 'desc']).default('desc'),
  offset: z.number().int().min(0).max(10_000_000).default(0),
  limit: z.number().int().min(1).max(500).default(50),
});
export type QueueQuery = z.input<typeof queueQuerySchema>;

/**
 * Search highlights cross the contract as text with these two control characters around
 * each match; the renderer splits on them and renders <mark> elements (never raw HTML).
 */
export const MARK_START = '\u0002';
export const MARK_END = '\u0003';

export function splitHighlights(s: string): { text: string; match: boolean }[] {
  const out: { text: string; match: boolean }[] = [];
  let match = false;
  let buf = '';
  for (const ch of s) {
    if (ch === MARK_START || ch === MARK_END) {
      if (buf) out.push({ text: buf, match });
      buf = '';
      match = ch === MARK_START;
    } else buf += ch;
  }
  if (buf) out.push({ text: buf, match });
  return out;
}

export const queueRowSchema = z.object({
  id: z.string(),
  number: z.number().int(),
  type: ticketTypeSchema,
  status: statusSchema,
  /** With highlight markers when a text search is active. */
  subject: z.string(),
  requester: z.string(),
  priority: z.number().int(),
  teamName: z.string().nullable(),
  technician: z.string().nullable(),
  categoryName: z.string().nullable(),
  channel: channelSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
  ttrDue: z.string().nullable(),
  slaBreached: z.boolean(),
  /** Matching excerpt from description, PC or follow-ups (search only). */
  snippet: z.string().nullable(),
  organisationCode: z.string().nullable().default(null),
  serviceName: z.string().nullable().default(null),
  tier: tierSchema.nullable().default(null),
  serviceArchived: z.boolean().default(false),
});
export type QueueRow = z.infer<typeof queueRowSchema>;

export const queuePageSchema = z.object({
  /** -1 when not asked for (pages after the first). */
  total: z.number().int(),
  /** A search's count stops at a cap: show "N+". */
  capped: z.boolean(),
  offset: z.number().int(),
  rows: z.array(queueRowSchema),
  /** A search that found nothing here: how many tickets it finds in all views. */
  elsewhere: z.number().int().default(0),
  /** The spelling-corrected search used when the typed one found nothing. */
  correctedText: z.string().nullable().default(null),
});
export type QueuePage = z.infer<typeof queuePageSchema>;

export const savedViewSchema = z.object({
  id: z.string().max(64),
  name: z.string().trim().min(1).max(80),
  /** Built-in views are translated by the UI from their id and cannot be deleted. */
  builtIn: z.boolean().default(false),
  filter: queueFilterSchema,
  sort: sortColumnSchema.default('updatedAt'),
  dir: z.enum(['asc', 'desc']).default('desc'),
});
export type SavedView = z.infer<typeof savedViewSchema>;

export const BUILT_IN_VIEWS: SavedView[] = [
  { id: 'open', name: 'open', builtIn: true, filter: { statuses: [1, 2, 3, 4] }, sort: 'updatedAt', dir: 'desc' },
  { id: 'unassigned', name: 'unassigned', builtIn: true, filter: { statuses: [1, 2, 3, 4], unassigned: true }, sort: 'priority', dir: 'desc' },
  { id: 'mine', name: 'mine', builtIn: true, filter: { statuses: [1, 2, 3, 4], mine: true }, sort: 'priority', dir: 'desc' },
  { id: 'late', name: 'late', builtIn: true, filter: { statuses: [1, 2, 3, 4], slaBreached: true }, sort: 'ttrDue', dir: 'asc' },
  /** The crisis view: open calls from vital services, most urgent first. */
  { id: 'vital', name: 'vital', builtIn: true, filter: { statuses: [1, 2, 3, 4], tiers: [1] }, sort: 'priority', dir: 'desc' },
  { id: 'reminders', name: 'reminders', builtIn: true, filter: { statuses: [4], remindersDue: true }, sort: 'updatedAt', dir: 'asc' },
  { id: 'solved', name: 'solved', builtIn: true, filter: { statuses: [5, 6] }, sort: 'updatedAt', dir: 'desc' },
  { id: 'all', name: 'all', builtIn: true, filter: {}, sort: 'updatedAt', dir: 'desc' },
];
