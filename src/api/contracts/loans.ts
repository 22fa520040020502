/**
 * La permanence (equipment loans): stock, requests and the waiting list, reservations,
 * check-out with receipt, check-in, overdue reminders, the push to the ITSM server. Inputs
 * are strict; outputs carry codes, the renderer words them with `domain/loans` and
 * `domain/waitlist` in the user's language.
 */
import { z } from 'zod';
import { call, eventsOf } from '../contract-kit';
import { errorSchema } from '../../base/errors';
import {
  loanAgentSchema,
  loanConditionSchema,
  loanItemEventSchema,
  loanItemInputSchema,
  loanItemSchema,
  loanItemStateSchema,
  loanItemTypeSchema,
  loanLineSchema,
  loanRequestSchema,
  loanReservationSchema,
  loanSchema,
  loansEventPayloads,
  loanTagSchema,
} from '../../domain/loans';

const id = z.string().min(1).max(64);
const reason = z.string().trim().min(3).max(500);
const isoDate = z.string().datetime({ offset: true });

const refusalSchema = z.object({ code: z.string(), params: z.record(z.string(), z.union([z.string(), z.number()])).optional() });
const proposalSchema = z.object({ requestId: z.string(), items: z.array(z.object({ type: loanItemTypeSchema, tags: z.array(z.string()) })) });
const waitlistSchema = z.object({
  entries: z.array(
    z.object({
      request: loanRequestSchema,
      position: z.number().int(),
      decidedBy: z.enum(['head', 'override', 'tier', 'priority', 'age']),
      blocked: refusalSchema.nullable(),
    }),
  ),
  /** Requests waiting in all (only the first `limit` are listed). */
  total: z.number().int(),
  proposal: proposalSchema.nullable(),
});
const outboxSchema = z.object({
  pending: z.number().int(),
  waitingForTicket: z.number().int(),
  parked: z.array(z.object({ seq: z.number().int(), kind: z.string(), tag: z.string(), message: z.string() })),
});
const overviewSchema = z.object({
  stock: z.array(z.object({ type: loanItemTypeSchema, counts: z.partialRecord(loanItemStateSchema, z.number().int()), total: z.number().int() })),
  pickups: z.array(loanReservationSchema),
  returnsToday: z.array(loanSchema),
  overdue: z.array(loanSchema),
  conflicts: z.array(loanSchema),
  outbox: outboxSchema,
});
const receiptSchema = z.object({ receiptId: z.string(), fileName: z.string(), base64: z.string(), attachedTo: z.number().int().nullable() });

export const loanCalls = {
  'loans.overview': call(z.strictObject({}).optional(), overviewSchema),
  'loans.waitlist': call(z.strictObject({ limit: z.number().int().min(1).max(10_000).default(200) }).optional(), waitlistSchema),
  'loans.items': call(z.strictObject({ type: loanItemTypeSchema.optional(), state: loanItemStateSchema.optional() }).optional(), z.object({ items: z.array(loanItemSchema) })),
  /** A scanned or typed tag: the item, its current loan and its history. */
  'loans.item': call(z.strictObject({ tag: loanTagSchema }), z.object({ item: loanItemSchema, loan: loanSchema.nullable(), history: z.array(loanItemEventSchema) })),
  'loans.addItem': call(loanItemInputSchema, loanItemSchema),
  /** CSV text (first line: header with at least tag and type); all or nothing. */
  'loans.importItems': call(z.strictObject({ csv: z.string().min(1).max(5_000_000) }), z.object({ imported: z.number().int() })),
  'loans.changeState': call(z.strictObject({ tag: loanTagSchema, to: loanItemStateSchema, reason }), loanItemSchema),
  'loans.history': call(z.strictObject({ itemId: id.optional(), agentName: z.string().trim().min(1).max(120).optional() }).refine((v) => !!v.itemId !== !!v.agentName, { message: 'give either itemId or agentName' }), z.object({ events: z.array(loanItemEventSchema) })),
  'loans.createRequest': call(
    z
      .strictObject({ ticketId: id.nullable().optional(), agent: loanAgentSchema.nullable().optional(), lines: z.array(loanLineSchema).min(1).max(8), reason: z.string().trim().min(1).max(500), wantedAt: isoDate.nullable().optional() })
      .refine((v) => !!v.ticketId || !!v.agent, { message: 'give the ticket of the call or the agent' }),
    loanRequestSchema,
  ),
  'loans.overrideRequest': call(z.strictObject({ requestId: id, reason }), loanRequestSchema),
  'loans.cancelRequest': call(z.strictObject({ requestId: id, reason }), loanRequestSchema),
  'loans.propose': call(z.strictObject({ requestId: id }), proposalSchema),
  'loans.reserve': call(z.strictObject({ tag: loanTagSchema, requestId: id, beginAt: isoDate, endAt: isoDate }), loanReservationSchema),
  'loans.cancelReservation': call(z.strictObject({ reservationId: id, reason }), z.object({ cancelled: z.literal(true) })),
  'loans.checkout': call(
    z
      .strictObject({
        requestId: id.nullable().optional(),
        agent: loanAgentSchema.nullable().optional(),
        ticketId: id.nullable().optional(),
        tags: z.array(loanTagSchema).min(1).max(20),
        dueAt: isoDate,
        condition: z.string().trim().min(1).max(300).default('Bon état'),
        overrideReason: reason.nullable().optional(),
        locale: z.enum(['fr', 'en']).default('fr'),
      })
      .refine((v) => !!v.requestId !== !!v.agent, { message: 'give either requestId or agent' }),
    z.object({ loans: z.array(loanSchema), receipt: receiptSchema }),
  ),
  'loans.checkin': call(z.strictObject({ tag: loanTagSchema, condition: loanConditionSchema, missingKit: z.array(z.string().trim().min(1).max(60)).max(12).default([]), note: z.string().trim().max(500).optional() }), loanSchema),
  'loans.remind': call(z.strictObject({ loanId: id, note: z.string().trim().min(1).max(500) }), loanSchema),
  'loans.resolveConflict': call(z.strictObject({ loanId: id, reason }), loanSchema),
  /** The receipt (bon de prêt) as issued, to print again. */
  'loans.receipt': call(z.strictObject({ receiptId: id }), receiptSchema),
  'loans.ofTicket': call(z.strictObject({ ticketId: id }), z.object({ requests: z.array(loanRequestSchema), loans: z.array(loanSchema) })),
  'loans.sync': call(z.strictObject({}).optional(), z.object({ done: z.number().int(), conflicts: z.number().int(), waiting: z.number().int(), parked: z.number().int(), stoppedBy: errorSchema.nullable(), outbox: outboxSchema })),
  'loans.retryParked': call(z.strictObject({}).optional(), z.object({ requeued: z.number().int() })),
} as const;

export const loanEvents = eventsOf(loansEventPayloads);
