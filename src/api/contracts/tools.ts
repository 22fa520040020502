import { z } from 'zod';
import { call, eventsOf } from '../contract-kit';
import { toolOsSchema, paramValuesSchema, checklistDefinitionSchema, catalogErrorSchema, toolSummarySchema, toolTargetSchema, toolRunSchema, checklistRunSchema, toolEventPayloads } from '../../domain/tools';

export * from '../../domain/tools';

const id = z.string().min(1).max(100);

export const toolCalls = {
  'tools.catalog': call(
    z.strictObject({}).optional(),
    z.object({
      tools: z.array(toolSummarySchema),
      checklists: z.array(checklistDefinitionSchema),
      errors: z.array(catalogErrorSchema),
      localOs: toolOsSchema.nullable(),
      adminDir: z.string().nullable(),
    }),
  ),
  'tools.run': call(
    z.strictObject({
      toolId: z.string().min(1).max(64),
      params: paramValuesSchema.default({}),
      target: toolTargetSchema,
      ticketId: id.optional(),
      /** A tool that needs elevation runs only once the technician confirmed it. */
      elevationConfirmed: z.boolean().default(false),
      timeoutSeconds: z.number().int().min(1).max(7200).optional(),
    }),
    z.object({ run: toolRunSchema }),
  ),
  'tools.cancel': call(z.strictObject({ runId: id }), z.object({ cancelled: z.boolean() })),
  'tools.get': call(z.strictObject({ runId: id }), z.object({ run: toolRunSchema, output: z.string(), truncated: z.boolean() })),
  'tools.runs': call(
    z.strictObject({ ticketId: id.optional(), limit: z.number().int().min(1).max(500).default(50) }),
    z.object({ runs: z.array(toolRunSchema) }),
  ),
  /** The archive a log-collection tool brought back, as base64 for a browser download. */
  'tools.artifact': call(z.strictObject({ runId: id }), z.object({ name: z.string(), mime: z.string(), base64: z.string() })),
  /** One-page intervention report (PDF) of the ticket's tool runs and checklists. */
  'tools.report': call(
    z.strictObject({ ticketId: id, audience: z.enum(['agent', 'manager']).default('agent'), locale: z.enum(['fr', 'en']).default('fr') }),
    z.object({ name: z.string(), mime: z.literal('application/pdf'), base64: z.string(), pages: z.number() }),
  ),
  'tools.checklistStart': call(
    z.strictObject({ checklistId: z.string().min(1).max(64), target: toolTargetSchema, ticketId: id.optional() }),
    z.object({ run: checklistRunSchema }),
  ),
  'tools.checklistGet': call(z.strictObject({ runId: id }), z.object({ run: checklistRunSchema })),
  'tools.checklistList': call(
    z.strictObject({ ticketId: id.optional(), activeOnly: z.boolean().default(false) }),
    z.object({ runs: z.array(checklistRunSchema) }),
  ),
  /** Ticks the current manual step (with an optional note). */
  'tools.checklistTick': call(z.strictObject({ runId: id, stepIndex: z.number().int().min(0), note: z.string().max(1000).default('') }), z.object({ run: checklistRunSchema })),
  /** Runs the current tool step; resolves once the tool has started (follow `tools.output`). */
  'tools.checklistRunStep': call(
    z.strictObject({
      runId: id,
      stepIndex: z.number().int().min(0),
      /** Values for the parameters the checklist does not preset. */
      params: paramValuesSchema.default({}),
      elevationConfirmed: z.boolean().default(false),
    }),
    z.object({ run: checklistRunSchema, toolRun: toolRunSchema }),
  ),
  'tools.checklistSkip': call(z.strictObject({ runId: id, stepIndex: z.number().int().min(0), note: z.string().min(1).max(1000) }), z.object({ run: checklistRunSchema })),
  'tools.checklistAbandon': call(z.strictObject({ runId: id }), z.object({ run: checklistRunSchema })),
} as const;

export const toolEvents = eventsOf(toolEventPayloads);
