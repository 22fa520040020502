/**
 * La permanence (equipment loans): the pure rules. Item types and states, the state machine
 * (every transition validated here, recorded by the service with who/when/why), due dates,
 * reservations that never overlap, the CSV format of an item import, and the refusals the
 * desk must word clearly in both languages. Ranking of requests is the shared
 * `domain/waitlist` code (same as remote-access seats).
 */
import { z } from 'zod';
import { RelaisError } from '../base/errors';
import { formatMessage, localize, type MessageKey } from '../base/messages';
import { serviceTierSchema, waitlistOverrideSchema } from './waitlist';

export const LOAN_ITEM_TYPES = ['portable', 'casque', 'webcam', 'cle_4g', 'ecran', 'station_accueil', 'telephone', 'configurable'] as const;
export const loanItemTypeSchema = z.enum(LOAN_ITEM_TYPES);
export type LoanItemType = z.infer<typeof loanItemTypeSchema>;

export const LOAN_ITEM_STATES = ['disponible', 'reserve', 'prete', 'retour_a_controler', 'en_reparation', 'perdu_vole', 'reforme'] as const;
export const loanItemStateSchema = z.enum(LOAN_ITEM_STATES);
export type LoanItemState = z.infer<typeof loanItemStateSchema>;

export const loanConditionSchema = z.enum(['ok', 'a_controler', 'endommage']);
export type LoanCondition = z.infer<typeof loanConditionSchema>;

/** The ticket category a loan request is logged in (created by migration 0110). */
export const LOAN_CATEGORY_NAME = 'Prêt de matériel';

/**
 * Allowed moves. Lending and returning go through check-out / check-in (they carry a loan);
 * the others are operator decisions that need a reason (repair, loss, write-off, found again).
 */
export const LOAN_TRANSITIONS: Readonly<Record<LoanItemState, readonly LoanItemState[]>> = {
  disponible: ['reserve', 'prete', 'en_reparation', 'perdu_vole', 'reforme'],
  reserve: ['disponible', 'prete', 'perdu_vole'],
  prete: ['disponible', 'retour_a_controler', 'en_reparation', 'perdu_vole'],
  retour_a_controler: ['disponible', 'en_reparation', 'perdu_vole', 'reforme'],
  en_reparation: ['disponible', 'reforme', 'perdu_vole'],
  perdu_vole: ['disponible', 'reforme'],
  reforme: [],
};

export const canTransition = (from: LoanItemState, to: LoanItemState): boolean => LOAN_TRANSITIONS[from].includes(to);

/** Items that count as stock a request may wait for (not lost, not written off). */
export const inStock = (s: LoanItemState): boolean => s !== 'perdu_vole' && s !== 'reforme';

/** The state an item takes back at check-in: anything short of "OK, complete" is checked first. */
export function stateAfterReturn(condition: LoanCondition, missingKit: readonly string[]): LoanItemState {
  if (condition === 'endommage') return 'en_reparation';
  if (condition === 'a_controler' || missingKit.length > 0) return 'retour_a_controler';
  return 'disponible';
}

// --- Schemas ---------------------------------------------------------------------------

const text = (max: number) => z.string().trim().min(1).max(max);
/** Asset tags as printed on labels and typed by barcode scanners. */
export const loanTagSchema = z
  .string()
  .trim()
  .min(2)
  .max(40)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]*$/, 'letters, digits, . _ / - only');

export const loanItemInputSchema = z.strictObject({
  tag: loanTagSchema,
  type: loanItemTypeSchema,
  serial: z.string().trim().max(80).nullable().default(null),
  model: z.string().trim().max(120).nullable().default(null),
  site: z.string().trim().max(120).nullable().default(null),
  kit: z.array(text(60)).max(12).default([]),
  notes: z.string().trim().max(500).default(''),
});
export type LoanItemInput = z.output<typeof loanItemInputSchema>;

export const loanItemSchema = z.object({
  id: z.string(),
  tag: z.string(),
  type: loanItemTypeSchema,
  serial: z.string().nullable(),
  model: z.string().nullable(),
  site: z.string().nullable(),
  kit: z.array(z.string()),
  notes: z.string(),
  state: loanItemStateSchema,
  remoteId: z.string().nullable(),
});
export type LoanItem = z.infer<typeof loanItemSchema>;

export const loanItemEventSchema = z.object({
  seq: z.number().int(),
  itemId: z.string(),
  tag: z.string(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  fromState: loanItemStateSchema.nullable(),
  toState: loanItemStateSchema,
  reason: z.string(),
  loanId: z.string().nullable(),
  requestId: z.string().nullable(),
  agentName: z.string().nullable(),
});
export type LoanItemEvent = z.infer<typeof loanItemEventSchema>;

export const loanLineSchema = z.strictObject({ type: loanItemTypeSchema, quantity: z.number().int().min(1).max(50) });
export type LoanLine = z.infer<typeof loanLineSchema>;

export const loanAgentSchema = z.strictObject({
  name: text(120),
  login: z.string().trim().max(64).nullable().default(null),
  email: z.string().trim().max(200).nullable().default(null),
  personId: z.string().max(64).nullable().default(null),
});
export type LoanAgent = z.output<typeof loanAgentSchema>;

export const loanRequestSchema = z.object({
  id: z.string(),
  ticketId: z.string().nullable(),
  ticketNumber: z.number().int().nullable(),
  agent: z.object({ name: z.string(), login: z.string().nullable(), email: z.string().nullable(), personId: z.string().nullable() }),
  serviceId: z.string().nullable(),
  serviceName: z.string().nullable(),
  tier: serviceTierSchema.nullable(),
  priority: z.number().int(),
  reason: z.string(),
  wantedAt: z.string().nullable(),
  requestedAt: z.string(),
  status: z.enum(['waiting', 'served', 'cancelled']),
  override: waitlistOverrideSchema.nullable(),
  lines: z.array(z.object({ type: loanItemTypeSchema, quantity: z.number().int(), served: z.number().int() })),
});
export type LoanRequest = z.infer<typeof loanRequestSchema>;

export const loanSchema = z.object({
  id: z.string(),
  itemId: z.string(),
  tag: z.string(),
  type: loanItemTypeSchema,
  serial: z.string().nullable(),
  model: z.string().nullable(),
  kit: z.array(z.string()),
  requestId: z.string().nullable(),
  ticketId: z.string().nullable(),
  agentName: z.string(),
  agentLogin: z.string().nullable(),
  serviceName: z.string().nullable(),
  startAt: z.string(),
  dueAt: z.string(),
  conditionOut: z.string(),
  returnedAt: z.string().nullable(),
  conditionIn: loanConditionSchema.nullable(),
  missingKit: z.array(z.string()),
  status: z.enum(['active', 'returned', 'conflict', 'cancelled']),
  conflict: z.object({ heldBy: z.string().nullable(), message: z.object({ fr: z.string(), en: z.string() }) }).nullable(),
  receiptId: z.string().nullable(),
  reminders: z.array(z.object({ at: z.string(), actor: z.string(), note: z.string() })),
});
export type Loan = z.infer<typeof loanSchema>;

export const loanReservationSchema = z.object({
  id: z.string(),
  itemId: z.string(),
  tag: z.string(),
  type: loanItemTypeSchema,
  requestId: z.string().nullable(),
  agentName: z.string(),
  beginAt: z.string(),
  endAt: z.string(),
  status: z.enum(['active', 'picked_up', 'cancelled']),
});
export type LoanReservation = z.infer<typeof loanReservationSchema>;

export const loansEventPayloads = {
  /** Stock, requests, loans or sync state changed (reload the Permanence page / ticket loans). */
  'loans.changed': z.object({ ticketIds: z.array(z.string()) }),
};

// --- Dates -----------------------------------------------------------------------------

export const DEFAULT_LOAN_DAYS = 14;
export const defaultDueAt = (now: Date, days = DEFAULT_LOAN_DAYS): string => new Date(now.getTime() + days * 86_400_000).toISOString();
export const isOverdue = (dueAt: string, now: Date): boolean => Date.parse(dueAt) < now.getTime();
/** [a1, a2) and [b1, b2) share a moment. */
export const overlaps = (a: { beginAt: string; endAt: string }, b: { beginAt: string; endAt: string }): boolean =>
  Date.parse(a.beginAt) < Date.parse(b.endAt) && Date.parse(b.beginAt) < Date.parse(a.endAt);

/** Start and end of `now`'s day in `timeZone` (Europe/Paris for the desk), as instants. */
export function dayBounds(now: Date, timeZone = 'Europe/Paris'): { start: Date; end: Date } {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }).formatToParts(now);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour') % 24, get('minute'), get('second'));
  const offset = asUtc - Math.floor(now.getTime() / 1000) * 1000;
  const start = Date.UTC(get('year'), get('month') - 1, get('day')) - offset;
  return { start: new Date(start), end: new Date(start + 86_400_000) };
}

// --- Wording ---------------------------------------------------------------------------

type Lang = 'fr' | 'en';
/** A vocabulary in both languages, read from the message catalogue (`LOAN_TYPE_*`, `LOAN_STATE_*`…). */
function vocabulary<V extends string>(values: readonly V[], prefix: 'LOAN_TYPE_' | 'LOAN_STATE_' | 'LOAN_CONDITION_'): Record<Lang, Record<V, string>> {
  const words = (lang: Lang) => Object.fromEntries(values.map((v) => [v, formatMessage(lang, `${prefix}${v.toUpperCase()}` as MessageKey)])) as Record<V, string>;
  return { fr: words('fr'), en: words('en') };
}
export const TYPE_LABELS = vocabulary(LOAN_ITEM_TYPES, 'LOAN_TYPE_');
export const STATE_LABELS = vocabulary(LOAN_ITEM_STATES, 'LOAN_STATE_');
export const CONDITION_LABELS = vocabulary(loanConditionSchema.options, 'LOAN_CONDITION_');

/** Refusals: what was wrong and what to do, fr and en. Nothing is changed when one is thrown. */
export const loanErrors = {
  unknownTag: (tag: string) => RelaisError.of('LOAN_UNKNOWN_TAG', { tag }, { tag }),
  alreadyLent: (tag: string, holder: string | null) =>
    holder ? RelaisError.of('LOAN_ALREADY_LENT_holder', { tag, holder }, { tag, holder }) : RelaisError.of('LOAN_ALREADY_LENT', { tag }, { tag, holder }),
  notAvailable: (tag: string, state: LoanItemState) => RelaisError.of('LOAN_NOT_AVAILABLE', { tag, state: stateLabel(state) }, { tag, state }),
  reservedForOther: (tag: string, agent: string) => RelaisError.of('LOAN_RESERVED_FOR_OTHER', { tag, agent }, { tag, agent }),
  notLent: (tag: string) => RelaisError.of('LOAN_NOT_LENT', { tag }, { tag }),
  duePast: (dueAt: string) => RelaisError.of('LOAN_DUE_PAST', {}, { dueAt }),
  aboveStock: (type: LoanItemType, asked: number, stock: number) => RelaisError.of('LOAN_QUANTITY_ABOVE_STOCK', { asked, type: typeLabel(type), stock }, { type, asked, stock }),
  notNeeded: (tag: string, type: LoanItemType) => RelaisError.of('LOAN_TYPE_NOT_REQUESTED', { tag, type: typeLabel(type) }, { tag, type }),
  notHead: (head: string) => RelaisError.of('LOAN_NOT_NEXT', { head }, { head }),
  requestNotFound: (id: string) => RelaisError.of('LOAN_REQUEST_NOT_FOUND', { id }, { id }),
  loanNotFound: (id: string) => RelaisError.of('LOAN_NOT_FOUND', { id }, { id }),
  badTransition: (tag: string, from: LoanItemState, to: LoanItemState) => RelaisError.of('LOAN_BAD_TRANSITION', { tag, from: stateLabel(from), to: stateLabel(to) }, { tag, from, to }),
  overlap: (tag: string, agent: string) => RelaisError.of('LOAN_RESERVATION_OVERLAP', { tag, agent }, { tag, agent }),
  badSlot: () => RelaisError.of('LOAN_BAD_SLOT'),
  duplicateInCheckout: (tag: string) => RelaisError.of('LOAN_DUPLICATE_TAG', { tag }, { tag }),
  csvInvalid: (errors: ImportLineError[]) => {
    // The first five lines, each worded in its language; the count of the others.
    const shown = errors.slice(0, 5);
    const lines = {
      fr: shown.map((e) => formatMessage('fr', 'LOAN_IMPORT_LINE', { line: e.line, message: e.message })).join(' ; '),
      en: shown.map((e) => formatMessage('en', 'LOAN_IMPORT_LINE', { line: e.line, message: e.message })).join('; '),
    };
    return errors.length > 5 ? RelaisError.of('LOAN_IMPORT_INVALID_more', { lines, more: errors.length - 5 }, { errors }) : RelaisError.of('LOAN_IMPORT_INVALID', { lines }, { errors });
  },
};

const typeLabel = (type: LoanItemType) => ({ fr: TYPE_LABELS.fr[type], en: TYPE_LABELS.en[type] });
const stateLabel = (state: LoanItemState) => ({ fr: STATE_LABELS.fr[state], en: STATE_LABELS.en[state] });

// --- CSV import ------------------------------------------------------------------------

export interface ImportLineError {
  line: number;
  message: { fr: string; en: string };
}

const TYPE_ALIASES: Record<string, LoanItemType> = Object.fromEntries(
  LOAN_ITEM_TYPES.flatMap((t) => [
    [t, t],
    [norm(TYPE_LABELS.fr[t]), t],
    [norm(TYPE_LABELS.en[t]), t],
  ]),
);
function norm(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
}

/** Column names accepted in the header (fr and en), normalised. */
const COLUMNS: Record<string, keyof LoanItemInput> = {
  tag: 'tag',
  etiquette: 'tag',
  numero_d_inventaire: 'tag',
  type: 'type',
  serial: 'serial',
  numero_de_serie: 'serial',
  serie: 'serial',
  model: 'model',
  modele: 'model',
  site: 'site',
  kit: 'kit',
  notes: 'notes',
  note: 'notes',
};

/**
 * Checks parsed CSV records (first row: header) line by line. A duplicate tag, in the file or
 * already in stock (`existingTags`, lower-cased), is an error of its line; the caller imports
 * nothing while any line is wrong. Kit parts are separated by "|" or "+".
 */
export function checkItemRecords(records: string[][], existingTags: ReadonlySet<string>): { items: LoanItemInput[]; errors: ImportLineError[] } {
  const errors: ImportLineError[] = [];
  const items: LoanItemInput[] = [];
  const [header, ...rows] = records;
  if (!header) return { items, errors: [{ line: 1, message: localize('LOAN_CSV_EMPTY') }] };
  const cols = header.map((h) => COLUMNS[norm(h)] ?? null);
  if (!cols.includes('tag') || !cols.includes('type')) {
    return { items, errors: [{ line: 1, message: localize('LOAN_CSV_NO_HEADER') }] };
  }
  const seen = new Map<string, number>();
  rows.forEach((cells, i) => {
    const line = i + 2;
    if (cells.every((c) => c.trim() === '')) return;
    const raw: Record<string, unknown> = {};
    cols.forEach((c, j) => {
      if (!c) return;
      const v = (cells[j] ?? '').trim();
      if (c === 'kit') raw.kit = v ? v.split(/[|+]/).map((s) => s.trim()).filter(Boolean) : [];
      else if (c === 'type') raw.type = TYPE_ALIASES[norm(v)] ?? v;
      else if (c === 'serial' || c === 'model' || c === 'site') raw[c] = v || null;
      else raw[c] = v;
    });
    const parsed = loanItemInputSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = issue.path.join('.');
      const value = String(raw[field as string] ?? '');
      errors.push({ line, message: field === 'type' ? localize('LOAN_CSV_BAD_FIELD_type', { field, value, types: LOAN_ITEM_TYPES.join(', ') }) : localize('LOAN_CSV_BAD_FIELD', { field, value }) });
      return;
    }
    const key = parsed.data.tag.toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) {
      errors.push({ line, message: localize('LOAN_CSV_DUPLICATE_TAG', { tag: parsed.data.tag, first }) });
      return;
    }
    seen.set(key, line);
    if (existingTags.has(key)) {
      errors.push({ line, message: localize('LOAN_CSV_TAG_IN_STOCK', { tag: parsed.data.tag }) });
      return;
    }
    items.push(parsed.data);
  });
  return { items, errors };
}
