import { z } from 'zod';
import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../../platform/db';
import { followupSchema, ticketSchema } from '../../domain/tickets';

/**
 * The outbox: every local change to a ticket writes one row here IN THE SAME TRANSACTION
 * as the change itself, so a change is either fully recorded (and will be pushed by sync)
 * or not at all. Sync drains it FIFO per ticket (`seq` order).
 *
 * Row format (the contract between the store and the sync engine):
 * - `op_id`: a fresh UUIDv7 per operation, sent to the server as a marker so a retry after
 *   a lost response is recognised and never duplicated.
 * - `ticket_id`: the LOCAL ticket id (UUIDv7) the operation belongs to.
 * - `kind` and `payload` (JSON):
 *   - `ticket.create`: payload = every ticket field (camelCase, as `TicketCreatePayload`),
 *     including the local `id` and `number`, plus `assetIds`. `base` is null.
 *   - `ticket.update`: payload = `{ changes: { field: newValue } }` (camelCase field names
 *     of the ticket: status, teamId, teamName, technician, priority, urgency, impact,
 *     categoryId, solution, takenAt, resolvedAt, closedAt, …); `base` = `{ field: valueBefore }`
 *     for the same fields, for the three-way merge against the server.
 *   - `followup.create`: payload = the follow-up (`FollowupCreatePayload`) incl. its local `id`.
 *     Follow-ups of kind `status` and `assign` mirror a `ticket.update` written in the same
 *     transaction (timeline history); sync may skip pushing them.
 * - `state`: 'pending' when written; sync owns the other states and the retry columns.
 */
export const ticketCreatePayloadSchema = ticketSchema
  .pick({
    id: true, number: true, subject: true, description: true, urgency: true, impact: true, priority: true,
    categoryId: true, categoryName: true, requesterId: true, requesterName: true, requesterPhone: true,
    teamId: true, teamName: true, technician: true, createdBy: true, createdAt: true, takenAt: true,
    resolvedAt: true, solution: true, ttoDue: true, ttrDue: true, assetIds: true,
  })
  .extend({
    // Kept as plain values: an outbox row written by an older version must still be read.
    type: z.string(),
    status: z.number().int(),
    channel: z.string(),
    requesterEmail: z.string().optional(),
    /** The requester's organisation at call time (issue 12; absent in older rows). */
    organisationId: z.string().nullable().optional(),
  });
export type TicketCreatePayload = z.infer<typeof ticketCreatePayloadSchema>;

export const ticketUpdatePayloadSchema = z.object({ changes: z.record(z.string(), z.unknown()) });
export const ticketUpdateBaseSchema = z.record(z.string(), z.unknown());

/** A follow-up is pushed exactly as the timeline holds it. */
export const followupCreatePayloadSchema = followupSchema;
export type FollowupCreatePayload = z.infer<typeof followupCreatePayloadSchema>;

export const outboxKindSchema = z.enum(['ticket.create', 'ticket.update', 'followup.create']);
export type OutboxKind = z.infer<typeof outboxKindSchema>;

/** One outbox row as read back from the table (payload and base parsed from JSON). */
export const outboxRowSchema = z.discriminatedUnion('kind', [
  z.object({ seq: z.number().int(), opId: z.string(), ticketId: z.string(), kind: z.literal('ticket.create'), payload: ticketCreatePayloadSchema, base: z.null(), createdAt: z.string(), state: z.string(), attempts: z.number().int() }),
  z.object({ seq: z.number().int(), opId: z.string(), ticketId: z.string(), kind: z.literal('ticket.update'), payload: ticketUpdatePayloadSchema, base: ticketUpdateBaseSchema, createdAt: z.string(), state: z.string(), attempts: z.number().int() }),
  z.object({ seq: z.number().int(), opId: z.string(), ticketId: z.string(), kind: z.literal('followup.create'), payload: followupCreatePayloadSchema, base: z.null(), createdAt: z.string(), state: z.string(), attempts: z.number().int() }),
]);
export type OutboxRow = z.infer<typeof outboxRowSchema>;

export type OutboxWrite =
  | { kind: 'ticket.create'; ticketId: string; payload: TicketCreatePayload }
  | { kind: 'ticket.update'; ticketId: string; payload: { changes: Record<string, unknown> }; base: Record<string, unknown> }
  | { kind: 'followup.create'; ticketId: string; payload: FollowupCreatePayload };

/** Writes one outbox row. Call it inside the transaction that makes the change. */
export function writeOutbox(db: Db, op: OutboxWrite, createdAt: string): string {
  if (!db.inTransaction) throw new Error('writeOutbox must run inside the transaction of the change it records');
  const opId = uuidv7();
  db.prepare('INSERT INTO outbox (op_id, ticket_id, kind, payload, base, created_at) VALUES (?, ?, ?, ?, ?, ?)').run(
    opId,
    op.ticketId,
    op.kind,
    JSON.stringify(op.payload),
    op.kind === 'ticket.update' ? JSON.stringify(op.base) : null,
    createdAt,
  );
  return opId;
}

/** Reads outbox rows (oldest first), parsed and validated. */
export function readOutbox(db: Db, options: { ticketId?: string; state?: string; limit?: number } = {}): OutboxRow[] {
  const where: string[] = [];
  const args: unknown[] = [];
  if (options.ticketId) {
    where.push('ticket_id = ?');
    args.push(options.ticketId);
  }
  if (options.state) {
    where.push('state = ?');
    args.push(options.state);
  }
  const sql = `SELECT ${OUTBOX_COLUMNS} FROM outbox ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq LIMIT ?`;
  const rows = db.prepare(sql).all(...args, options.limit ?? 1000) as Record<string, unknown>[];
  return rows.map((r) => outboxRowSchema.parse(outboxRowFromDb(r)));
}

/** The columns `outboxRowFromDb` reads. */
export const OUTBOX_COLUMNS = 'seq, op_id, ticket_id, kind, payload, base, created_at, state, attempts';

/** A database row in the shape `outboxRowSchema` checks (throws on a damaged JSON column). */
export function outboxRowFromDb(r: Record<string, unknown>): unknown {
  return {
    seq: r.seq,
    opId: r.op_id,
    ticketId: r.ticket_id,
    kind: r.kind,
    payload: JSON.parse(String(r.payload)),
    base: r.base === null ? null : JSON.parse(String(r.base)),
    createdAt: r.created_at,
    state: r.state,
    attempts: r.attempts,
  };
}
