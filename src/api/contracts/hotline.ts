import { z } from 'zod';
import { call, event } from '../contract-kit';
import { callDraftFormSchema, callDraftSchema } from '../../domain/call-drafts';
import { logCallInputSchema, ticketSchema } from '../../domain/tickets';
import { templateListSchema } from '../../domain/templates';
import { ticketEditSchema } from '../../domain/ticket-edit';
import { callerContextSchema, duplicatesSchema } from '../../domain/caller';

const id = z.string().min(1).max(64);
const empty = z.strictObject({}).optional();

/** The hotline's call drafts: calls being logged, kept durably while the operator types. */
export const hotlineCalls = {
  'drafts.list': call(empty, z.object({ drafts: z.array(callDraftSchema) })),
  'drafts.save': call(
    z.strictObject({ id, startedAt: z.iso.datetime().nullable().default(null), form: callDraftFormSchema }),
    callDraftSchema,
  ),
  'drafts.discard': call(z.strictObject({ id }), z.object({ discarded: z.boolean() })),
  /** The call is about an open ticket: its text becomes a follow-up there and the draft goes, in one transaction. */
  'drafts.addToTicket': call(
    z.strictObject({ draftId: id, ticketId: id, body: z.string().trim().min(1).max(20_000), durationSec: z.number().int().min(0).max(24 * 3600).default(0) }),
    z.object({ ticketId: z.string(), followupId: z.string() }),
  ),
  /** Logs the call and deletes its draft in one transaction. */
  'drafts.logCall': call(z.strictObject({ draftId: id, call: logCallInputSchema }), ticketSchema),
} as const;

export const hotlineEvents = {
  /** A draft was saved, discarded or logged: lists of drafts refetch. */
  'drafts.changed': event(z.object({ ids: z.array(z.string()) })),
} as const;

export const templateCalls = {
  'templates.list': call(empty, z.object({ templates: templateListSchema })),
  'templates.save': call(z.strictObject({ templates: templateListSchema }), z.object({ templates: templateListSchema })),
} as const;

const callerQuery = { personId: id.nullable().default(null), assetIds: z.array(id).max(20).default([]) };

/** Corrections after logging, and what the hotline sees of a caller while on the phone. */
export const callerCalls = {
  'tickets.edit': call(z.strictObject({ id, changes: ticketEditSchema }), ticketSchema),
  'tickets.wait': call(z.strictObject({ id, reason: z.string().trim().min(3).max(500), remindAt: z.iso.datetime() }), ticketSchema),
  'caller.context': call(z.strictObject(callerQuery), callerContextSchema),
  'caller.duplicates': call(z.strictObject({ ...callerQuery, text: z.string().max(20_000) }), duplicatesSchema),
} as const;
