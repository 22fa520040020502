/**
 * Configuration tools and installer checklists: the declarative catalog format (validated
 * when a tool file is loaded), and the calls and events the UI uses to run tools locally
 * or over SSH, follow their output, and walk through checklists from a ticket.
 */
import { z } from 'zod';

export const textFrEn = z.strictObject({ fr: z.string().min(1).max(2000), en: z.string().min(1).max(2000) });

/** A parameter name is also a PowerShell variable name and an environment variable name. */
export const paramNameSchema = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,31}$/, 'letters, digits and _ (max 32), starting with a letter');

const paramBase = {
  name: paramNameSchema,
  label: textFrEn,
  help: textFrEn.optional(),
  required: z.boolean().default(true),
};

export const toolParamSchema = z.discriminatedUnion('type', [
  z.strictObject({ ...paramBase, type: z.literal('hostname'), default: z.string().max(253).optional() }),
  z.strictObject({ ...paramBase, type: z.literal('uncPath'), default: z.string().max(260).optional() }),
  z.strictObject({ ...paramBase, type: z.literal('printerName'), default: z.string().max(200).optional() }),
  z.strictObject({
    ...paramBase,
    type: z.literal('enum'),
    options: z.array(z.strictObject({ value: z.string().min(1).max(100), label: textFrEn })).min(1).max(100),
    default: z.string().max(100).optional(),
  }),
  z.strictObject({
    ...paramBase,
    type: z.literal('integer'),
    min: z.number().int(),
    max: z.number().int(),
    default: z.number().int().optional(),
  }),
  z.strictObject({ ...paramBase, type: z.literal('boolean'), default: z.boolean().optional() }),
  z.strictObject({
    ...paramBase,
    type: z.literal('string'),
    maxLength: z.number().int().min(1).max(4096),
    default: z.string().max(4096).optional(),
  }),
]);
export type ToolParam = z.output<typeof toolParamSchema>;
export type ToolParamType = ToolParam['type'];

export const toolOsSchema = z.enum(['windows', 'linux']);
export type ToolOs = z.infer<typeof toolOsSchema>;

/** One file in `assets/tools/` (or the administrator's folder). */
export const toolDefinitionSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,63}$/, 'lower-case letters, digits and dashes'),
    label: textFrEn,
    help: textFrEn,
    category: z.enum(['diagnostic', 'network', 'printing', 'software', 'system', 'maintenance', 'logs']),
    /** windows: PowerShell; linux: POSIX sh. */
    os: toolOsSchema,
    params: z.array(toolParamSchema).max(20).default([]),
    elevation: z.boolean().default(false),
    /** What the installer should expect; the timeout defaults to four times this. */
    expectedSeconds: z.number().int().min(1).max(3600),
    timeoutSeconds: z.number().int().min(1).max(7200).optional(),
    /** The script reads its parameters as `$Name` (PowerShell) or `"$Name"` (sh environment). */
    script: z.string().min(1).max(65536),
    /** The script sends an archive back between RELAIS ARTIFACT markers (base64). */
    returnsArtifact: z.boolean().default(false),
  })
  .superRefine((t, ctx) => {
    const names = new Set<string>();
    t.params.forEach((p, i) => {
      const key = p.name.toLowerCase();
      if (names.has(key)) ctx.addIssue({ code: 'custom', path: ['params', i, 'name'], message: `duplicate parameter ${p.name}` });
      names.add(key);
      if (p.type === 'integer' && p.min > p.max) ctx.addIssue({ code: 'custom', path: ['params', i], message: 'min > max' });
      if (p.type === 'enum' && p.default !== undefined && !p.options.some((o) => o.value === p.default))
        ctx.addIssue({ code: 'custom', path: ['params', i, 'default'], message: 'default is not one of the options' });
    });
  });
export type ToolDefinition = z.output<typeof toolDefinitionSchema>;

export const paramValueSchema = z.union([z.string().max(4096), z.number(), z.boolean()]);
export const paramValuesSchema = z.record(paramNameSchema, paramValueSchema);
export type ParamValues = z.infer<typeof paramValuesSchema>;

const manualStep = z.strictObject({ kind: z.literal('manual'), label: textFrEn, help: textFrEn.optional() });
const toolStep = z.strictObject({
  kind: z.literal('tool'),
  toolId: z.string().max(64),
  params: paramValuesSchema.default({}),
  label: textFrEn.optional(),
});
export const checklistStepSchema = z.discriminatedUnion('kind', [manualStep, toolStep]);
export const checklistDefinitionSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,63}$/),
  label: textFrEn,
  help: textFrEn,
  os: toolOsSchema,
  steps: z.array(checklistStepSchema).min(1).max(50),
});
export type ChecklistDefinition = z.output<typeof checklistDefinitionSchema>;

/** A catalog file refused, with why in each language. */
export const catalogErrorSchema = z.object({ path: z.string(), reason: z.object({ fr: z.string(), en: z.string() }) });

export const toolSummarySchema = z.object({
  id: z.string(),
  label: textFrEn,
  help: textFrEn,
  category: z.string(),
  os: toolOsSchema,
  params: z.array(toolParamSchema),
  elevation: z.boolean(),
  expectedSeconds: z.number(),
  timeoutSeconds: z.number(),
  returnsArtifact: z.boolean(),
  /** 'builtin' or the administrator's folder. */
  source: z.enum(['builtin', 'admin']),
});
export type ToolSummary = z.infer<typeof toolSummarySchema>;

/** Where a tool runs: on this PC, or on a remote PC through a saved SSH profile. */
export const toolTargetSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('local') }),
  z.strictObject({ kind: z.literal('ssh'), profileId: z.string().min(1).max(100), os: toolOsSchema.optional() }),
]);
export type ToolTarget = z.infer<typeof toolTargetSchema>;

export const runStatusSchema = z.enum(['running', 'succeeded', 'failed', 'cancelled', 'timeout', 'interrupted', 'error']);
export type RunStatus = z.infer<typeof runStatusSchema>;

export const toolRunSchema = z.object({
  id: z.string(),
  toolId: z.string(),
  toolLabel: textFrEn,
  ticketId: z.string().nullable(),
  checklistRunId: z.string().nullable(),
  target: toolTargetSchema,
  params: paramValuesSchema,
  status: runStatusSchema,
  exitCode: z.number().nullable(),
  signal: z.string().nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  durationMs: z.number().nullable(),
  /** sha256 (hex) of every output byte, stdout and stderr, in the order received. */
  outputDigest: z.string().nullable(),
  outputBytes: z.number(),
  technician: z.string(),
  elevated: z.boolean(),
  error: z.object({ fr: z.string(), en: z.string() }).nullable(),
  artifact: z.object({ name: z.string(), bytes: z.number() }).nullable(),
});
export type ToolRun = z.infer<typeof toolRunSchema>;

export const checklistStepStateSchema = z.object({
  index: z.number(),
  kind: z.enum(['manual', 'tool']),
  label: textFrEn,
  toolId: z.string().nullable(),
  params: paramValuesSchema,
  status: z.enum(['pending', 'running', 'done', 'failed', 'skipped', 'interrupted']),
  toolRunId: z.string().nullable(),
  note: z.string(),
  finishedAt: z.string().nullable(),
  by: z.string().nullable(),
});
export const checklistRunSchema = z.object({
  id: z.string(),
  checklistId: z.string(),
  label: textFrEn,
  ticketId: z.string().nullable(),
  target: toolTargetSchema,
  status: z.enum(['active', 'completed', 'abandoned']),
  currentStep: z.number(),
  steps: z.array(checklistStepStateSchema),
  startedAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.string().nullable(),
  technician: z.string(),
});
export type ChecklistRun = z.infer<typeof checklistRunSchema>;



/** The payloads of the events this feature emits (the contract wraps them as events). */
export const toolEventPayloads = {
  'tools.started': z.object({ run: toolRunSchema }),
  'tools.output': z.object({ runId: z.string(), stream: z.enum(['stdout', 'stderr', 'system']), text: z.string() }),
  'tools.finished': z.object({ run: toolRunSchema }),
  'tools.checklistChanged': z.object({ run: checklistRunSchema }),
} as const;
export type ToolEvents = { [K in keyof typeof toolEventPayloads]: z.output<(typeof toolEventPayloads)[K]> };
