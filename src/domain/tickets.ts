import { z } from 'zod';
import { ticketOrgSchema } from './organisation';
import { isSafeText } from '../base/text';
import { addSlaTime, type BusinessCalendar } from './business-calendar';

/**
 * The ticket model, shared by the core and the renderer (pure: zod + TypeScript only).
 * Vocabulary and numbering follow GLPI, the ITSM server French local government runs, so
 * a ticket synchronises without translation tables.
 */

/** GLPI statuses: 1 nouveau, 2 en cours (attribué), 3 en cours (planifié), 4 en attente, 5 résolu, 6 clos. */
export const TICKET_STATUSES = [1, 2, 3, 4, 5, 6] as const;
export const statusSchema = z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(5), z.literal(6)]);
export type TicketStatus = z.infer<typeof statusSchema>;
export const STATUS_KEYS: Record<TicketStatus, string> = {
  1: 'new',
  2: 'assigned',
  3: 'planned',
  4: 'waiting',
  5: 'solved',
  6: 'closed',
};
/** Statuses in which the ticket still needs someone (open queue). */
export const OPEN_STATUSES: readonly TicketStatus[] = [1, 2, 3, 4];
export const isOpen = (s: TicketStatus) => s < 5;

export const ticketTypeSchema = z.enum(['incident', 'request']);
export type TicketType = z.infer<typeof ticketTypeSchema>;

/** Request source ("Source de la demande"); the hotline's default is the phone. */
export const channelSchema = z.enum(['phone', 'email', 'walk_in', 'self_service']);
export type Channel = z.infer<typeof channelSchema>;

/** Urgency and impact: 1 très basse … 5 très haute. Priority adds 6 = majeure. */
export const levelSchema = z.number().int().min(1).max(5);
export const prioritySchema = z.number().int().min(1).max(6);
export const LEVEL_KEYS = ['', 'veryLow', 'low', 'medium', 'high', 'veryHigh', 'major'] as const;

/**
 * ITIL priority matrix: matrix[urgency-1][impact-1] = priority. GLPI's default, stored in
 * the settings table so an administrator can change it without a release.
 */
export const priorityMatrixSchema = z.array(z.array(prioritySchema).length(5)).length(5);
export type PriorityMatrix = z.infer<typeof priorityMatrixSchema>;
export const DEFAULT_PRIORITY_MATRIX: PriorityMatrix = [
  [1, 1, 2, 2, 2],
  [1, 2, 2, 3, 3],
  [2, 2, 3, 4, 4],
  [2, 3, 4, 4, 5],
  [2, 3, 4, 5, 5],
];

export function computePriority(urgency: number, impact: number, matrix: PriorityMatrix = DEFAULT_PRIORITY_MATRIX): number {
  const row = matrix[clampLevel(urgency) - 1]!;
  return row[clampLevel(impact) - 1]!;
}
const clampLevel = (n: number) => Math.min(5, Math.max(1, Math.round(n)));

/** SLA targets per priority, in minutes: time to take charge (TTO) and to resolve (TTR). */
export const slaTargetSchema = z.object({ ttoMinutes: z.number().int().positive(), ttrMinutes: z.number().int().positive() });
export const slaTargetsSchema = z.record(z.string().regex(/^[1-6]$/), slaTargetSchema);
export type SlaTargets = z.infer<typeof slaTargetsSchema>;
export const DEFAULT_SLA: SlaTargets = {
  '1': { ttoMinutes: 8 * 60, ttrMinutes: 10 * 24 * 60 },
  '2': { ttoMinutes: 4 * 60, ttrMinutes: 5 * 24 * 60 },
  '3': { ttoMinutes: 2 * 60, ttrMinutes: 2 * 24 * 60 },
  '4': { ttoMinutes: 60, ttrMinutes: 24 * 60 },
  '5': { ttoMinutes: 30, ttrMinutes: 8 * 60 },
  '6': { ttoMinutes: 15, ttrMinutes: 4 * 60 },
};

/**
 * Due dates from the creation time: on the business-hours calendar when one is given (what
 * the console does: whole days are working days, hours and minutes are open time, as GLPI
 * counts SLAs), plain elapsed time otherwise (generated and test data).
 */
export function slaDueDates(createdAt: Date, priority: number, sla: SlaTargets = DEFAULT_SLA, calendar?: BusinessCalendar): { ttoDue: string; ttrDue: string } {
  const target = sla[String(priority)] ?? DEFAULT_SLA[String(priority)] ?? DEFAULT_SLA['3']!;
  const add = (minutes: number) => (calendar ? addSlaTime(createdAt, minutes, calendar) : new Date(createdAt.getTime() + minutes * 60_000)).toISOString();
  return { ttoDue: add(target.ttoMinutes), ttrDue: add(target.ttrMinutes) };
}

export interface SlaState {
  ttoDue: string | null;
  ttrDue: string | null;
  takenAt: string | null;
  resolvedAt: string | null;
}
/** Late ("En retard"): not taken in charge by its TTO due date, or not resolved by its TTR due date. */
export function slaBreached(t: SlaState, now: Date): boolean {
  const nowIso = now.toISOString();
  const late = (due: string | null, doneAt: string | null) => due !== null && (doneAt ? doneAt > due : nowIso > due);
  return late(t.ttoDue, t.takenAt) || late(t.ttrDue, t.resolvedAt);
}

/** The default team list (configuration, seeded once; the organisation may change it). */
export const DEFAULT_TEAMS = ['Hotline', 'Interventions', 'Applications', 'SIG', 'Infrastructure technique'] as const;

const text = (max: number) => z.string().trim().max(max);

export const ticketSchema = z.object({
  id: z.string(),
  number: z.number().int(),
  serverId: z.string().nullable(),
  type: ticketTypeSchema,
  status: statusSchema,
  subject: z.string(),
  description: z.string(),
  urgency: z.number().int(),
  impact: z.number().int(),
  priority: z.number().int(),
  categoryId: z.string().nullable(),
  categoryName: z.string().nullable(),
  channel: channelSchema,
  requesterId: z.string().nullable(),
  requesterName: z.string(),
  requesterPhone: z.string(),
  teamId: z.string().nullable(),
  teamName: z.string().nullable(),
  technician: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  takenAt: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  solution: z.string().nullable(),
  ttoDue: z.string().nullable(),
  ttrDue: z.string().nullable(),
  slaBreached: z.boolean(),
  version: z.number().int(),
  /** Linked PCs ("Éléments associés"): what "Se connecter" connects to. */
  assetIds: z.array(z.string()),
  /** The requester's organisation and service when the call was logged. */
  org: ticketOrgSchema,
  /** Tags set by priority rules ("service-vital"). */
  tags: z.array(z.string()),
  /** "En attente": why, and when to call back (cleared when the ticket moves on). */
  waitingReason: z.string().nullable().default(null),
  remindAt: z.string().nullable().default(null),
});
export type Ticket = z.infer<typeof ticketSchema>;

export const followupSchema = z.object({
  id: z.string(),
  ticketId: z.string(),
  /** call, note, status, assign, solution, created — others add ssh_session, tool_run, … */
  kind: z.string(),
  author: z.string(),
  createdAt: z.string(),
  body: z.string(),
  data: z.unknown().nullable(),
  private: z.boolean(),
});
export type Followup = z.infer<typeof followupSchema>;

export const personSchema = z.object({
  id: z.string(),
  lastName: z.string(),
  firstName: z.string(),
  department: z.string(),
  phone: z.string(),
  email: z.string(),
  site: z.string(),
  /** The service (org_units) the agent belongs to; null when the directory does not say. */
  serviceId: z.string().nullable().default(null),
});
export type Person = z.infer<typeof personSchema>;

/** A ticket as a parent/child link shows it. */
export const linkedTicketSchema = z.object({
  id: z.string(),
  number: z.number().int(),
  subject: z.string(),
  status: statusSchema,
  requesterName: z.string(),
});
export type LinkedTicket = z.infer<typeof linkedTicketSchema>;

export const assetSchema = z.object({
  id: z.string(),
  name: z.string(),
  serial: z.string(),
  personId: z.string().nullable(),
  ip: z.string(),
  os: z.string(),
});
export type Asset = z.infer<typeof assetSchema>;

export const teamSchema = z.object({ id: z.string(), name: z.string(), position: z.number().int(), active: z.boolean() });
export type Team = z.infer<typeof teamSchema>;
/** `active` false: archived (kept for the tickets that refer to it, offered nowhere new). */
export const categorySchema = z.object({ id: z.string(), parentId: z.string().nullable(), name: z.string(), fullName: z.string(), active: z.boolean().default(true) });
export type Category = z.infer<typeof categorySchema>;

/** The operator's choice over the priority rules' urgency/impact, kept on the ticket's timeline. */
export const priorityOverrideSchema = z.strictObject({ urgency: levelSchema.optional(), impact: levelSchema.optional() });
export type PriorityOverride = z.infer<typeof priorityOverrideSchema>;

/** Input of the hotline's call form. */
export const logCallInputSchema = z.strictObject({
  type: ticketTypeSchema.default('incident'),
  channel: channelSchema.default('phone'),
  subject: text(200).default(''),
  description: text(20_000).default(''),
  urgency: levelSchema.default(3),
  impact: levelSchema.default(3),
  categoryId: z.string().max(64).nullable().default(null),
  /** A person from the directory, or null with a free-text name and phone. */
  requesterId: z.string().max(64).nullable().default(null),
  requesterName: text(200).refine(isSafeText, { message: 'Une seule ligne imprimable / Single printable line' }).default(''),
  requesterPhone: text(40).default(''),
  assetIds: z.array(z.string().max(64)).max(20).default([]),
  /** What the hotline did with the call. */
  outcome: z.enum(['keep', 'solved_on_phone', 'route']).default('keep'),
  teamId: z.string().max(64).nullable().default(null),
  solution: text(20_000).default(''),
  /** Measured by the form's call timer. */
  durationSec: z.number().int().min(0).max(24 * 3600).default(0),
  /** Set when the operator changed the urgency/impact the priority rules proposed. */
  priorityOverride: priorityOverrideSchema.nullable().default(null),
  /** The call is one more report of an outage: linked under this parent ("incident majeur") ticket. */
  parentTicketId: z.string().max(64).nullable().default(null),
}).refine((v) => v.subject.length > 0 || v.description.length > 0, { message: 'subject or description required', path: ['description'] })
  .refine((v) => v.requesterId !== null || v.requesterName.length > 0, { message: 'requester required', path: ['requesterName'] })
  .refine((v) => v.outcome !== 'route' || v.teamId !== null, { message: 'team required to route', path: ['teamId'] });
export type LogCallInput = z.input<typeof logCallInputSchema>;

/** A subject from the description's first line when the agent left it empty. */
export function deriveSubject(subject: string, description: string): string {
  if (subject.trim()) return subject.trim();
  const first = description.trim().split(/\r?\n/)[0] ?? '';
  return first.length > 80 ? `${first.slice(0, 79)}…` : first;
}

/** Text folding for directory look-ups: "Hélène DUPRÉ" and "helene dupre" match. */
export function foldText(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}
