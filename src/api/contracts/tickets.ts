import { z } from 'zod';
import { call, event } from '../contract-kit';
import {
  assetSchema,
  linkedTicketSchema,
  categorySchema,
  followupSchema,
  logCallInputSchema,
  personSchema,
  priorityMatrixSchema,
  slaTargetsSchema,
  statusSchema,
  teamSchema,
  ticketSchema,
} from '../../domain/tickets';
import { queuePageSchema, queueQuerySchema, savedViewSchema, queueFilterSchema, sortColumnSchema } from '../../domain/queue';
import { directoryHitSchema, importKindSchema, importPreviewSchema } from '../../domain/directory';

const empty = z.strictObject({}).optional();
const id = z.string().min(1).max(64);
const byId = z.strictObject({ id });

export const ticketDetailSchema = z.object({
  ticket: ticketSchema,
  timeline: z.array(followupSchema),
  requester: personSchema.nullable(),
  assets: z.array(assetSchema),
  /** The "incident majeur" this ticket is linked under, and the calls linked under it. */
  parent: linkedTicketSchema.nullable().default(null),
  children: z.array(linkedTicketSchema).default([]),
});
export type TicketDetail = z.infer<typeof ticketDetailSchema>;

export const ticketMetaSchema = z.object({
  teams: z.array(teamSchema),
  categories: z.array(categorySchema),
  technicians: z.array(z.string()),
  priorityMatrix: priorityMatrixSchema,
  sla: slaTargetsSchema,
  currentUser: z.string(),
});
export type TicketMeta = z.infer<typeof ticketMetaSchema>;

export const viewWithCountSchema = savedViewSchema.extend({ count: z.number().int() });

const importInput = z.strictObject({
  kind: importKindSchema,
  /** The CSV file's text (UTF-8; separator ; or , detected). */
  csv: z.string().max(5_000_000),
});

export const ticketCalls = {
  'tickets.logCall': call(logCallInputSchema, ticketSchema),
  'tickets.get': call(byId, ticketDetailSchema),
  'tickets.list': call(queueQuerySchema.extend({ withTotal: z.boolean().default(true) }), queuePageSchema),
  'tickets.addFollowup': call(z.strictObject({ id, body: z.string().trim().min(1).max(20_000), private: z.boolean().default(false) }), followupSchema),
  'tickets.takeCharge': call(byId, ticketSchema),
  'tickets.setStatus': call(z.strictObject({ id, status: statusSchema }), ticketSchema),
  'tickets.route': call(z.strictObject({ id, teamId: id, technician: z.string().trim().min(1).max(120).nullable().default(null) }), ticketSchema),
  /** Links a ticket under a parent "incident majeur" ticket (both timelines say so; synced). */
  'tickets.linkParent': call(
    z.strictObject({ id, parentId: id.optional(), parentNumber: z.number().int().positive().optional() }).refine((v) => !!v.parentId !== (v.parentNumber !== undefined), {
      message: 'Indiquez le ticket parent (son numéro) / Give the parent ticket (its number)',
      path: ['parentNumber'],
    }),
    ticketSchema,
  ),
  'tickets.resolve': call(z.strictObject({ id, solution: z.string().trim().min(1).max(20_000) }), ticketSchema),
  'tickets.meta': call(empty, ticketMetaSchema),
  'tickets.views': call(empty, z.object({ views: z.array(viewWithCountSchema) })),
  'tickets.saveView': call(
    z.strictObject({ name: z.string().trim().min(1).max(80), filter: queueFilterSchema, sort: sortColumnSchema.default('updatedAt'), dir: z.enum(['asc', 'desc']).default('desc') }),
    savedViewSchema,
  ),
  'tickets.deleteView': call(byId, z.object({ deleted: z.boolean() })),
  'directory.search': call(z.strictObject({ q: z.string().trim().min(1).max(100), limit: z.number().int().min(1).max(50).default(10) }), z.object({ hits: z.array(directoryHitSchema) })),
  'directory.importPreview': call(importInput, importPreviewSchema),
  'directory.importCommit': call(importInput, z.object({ imported: z.number().int() })),
  /** Cancels the import in progress (nothing is written); false when none runs. */
  'directory.importCancel': call(z.strictObject({}).optional(), z.object({ cancelled: z.boolean() })),
} as const;

export const ticketEvents = {
  /** Tickets created or changed (any field or timeline entry): views refetch what they show. */
  'tickets.changed': event(z.object({ ids: z.array(z.string()) })),
  'directory.changed': event(z.object({ kind: importKindSchema })),
  'directory.importProgress': event(z.object({ kind: importKindSchema, phase: z.enum(['checking', 'writing', 'done']), done: z.number().int(), total: z.number().int() })),
} as const;
