import { z } from 'zod';
import { call, event } from '../contract-kit';
import { orgTreeSchema, tierSchema } from '../../domain/organisation';
import { priorityRulesSchema, ruleIssueSchema, ruleOutcomeSchema } from '../../domain/priority-rules';
import { channelSchema, levelSchema, priorityOverrideSchema, ticketSchema, ticketTypeSchema } from '../../domain/tickets';

const empty = z.strictObject({}).optional();
const id = z.string().min(1).max(64);

export const rulesStateSchema = z.object({
  rules: z.array(z.unknown()).transform((r) => r as z.output<typeof priorityRulesSchema>),
  /** The administrator's policy fixes the rules: Settings shows them read-only. */
  locked: z.boolean(),
  policyError: z.string().nullable(),
  /** Rules that can never match or that an earlier "stop" rule hides. */
  issues: z.array(ruleIssueSchema),
});

export const organisationCalls = {
  'organisation.tree': call(empty, orgTreeSchema),
  'organisation.rules': call(empty, rulesStateSchema),
  'organisation.saveRules': call(z.strictObject({ rules: priorityRulesSchema }), rulesStateSchema),
  /** Replays a draft on the last 500 tickets: "cette règle aurait modifié 37 tickets". */
  'organisation.previewRules': call(
    z.strictObject({ rules: priorityRulesSchema }),
    z.object({
      sample: z.number().int(),
      changed: z.number().int(),
      perRule: z.array(z.object({ ruleId: z.string(), matched: z.number().int(), modified: z.number().int() })),
      issues: z.array(ruleIssueSchema),
    }),
  ),
  /** What the rules would do with the call being typed (the call form shows it live). */
  'organisation.explain': call(
    z.strictObject({
      requesterId: id.nullable().default(null),
      categoryId: id.nullable().default(null),
      type: ticketTypeSchema.default('incident'),
      channel: channelSchema.default('phone'),
      urgency: levelSchema.default(3),
      impact: levelSchema.default(3),
      override: priorityOverrideSchema.nullable().default(null),
    }),
    z.object({ organisationId: z.string().nullable(), serviceId: z.string().nullable(), tier: tierSchema.nullable(), outcome: ruleOutcomeSchema }),
  ),
  /** A ticket's new requester or category: the snapshot is retaken and the rules re-run. */
  'tickets.reclassify': call(z.strictObject({ id, requesterId: id.nullable().optional(), categoryId: id.nullable().optional() }), ticketSchema),
} as const;

export const organisationEvents = {
  'organisation.changed': event(z.object({ what: z.enum(['rules', 'tree']) })),
} as const;
