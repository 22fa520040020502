import { z } from 'zod';
import { call, event } from '../contract-kit';
import { callDraftFormSchema, callDraftSchema } from '../../domain/call-drafts';
import { logCallInputSchema, ticketSchema } from '../../domain/tickets';
import { templateListSchema } from '../../domain/templates';

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
