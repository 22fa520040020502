/**
 * Security incidents (issue 16): the "signalement sécurité" fast path, the incident
 * register, evidence, the 72-hour breach clock, verifiable exports and phishing campaigns.
 */
import { z } from 'zod';
import { call } from '../contract-kit';
import { ticketSchema } from '../../domain/tickets';
import { evidenceSchema, incidentConfigSchema, incidentSchema, securityCallSchema, securityCategoryKeySchema } from '../../domain/incidents';
import { campaignSchema, phishingDetailsSchema, phishingPasteSchema } from '../../domain/phishing';

const id = z.string().min(1).max(64);
const textFrEn = z.object({ fr: z.string(), en: z.string() });
const download = z.object({ name: z.string(), mime: z.string(), base64: z.string() });

export const breachClockSchema = z.object({ deadline: z.string(), remainingMs: z.number(), overdue: z.boolean() });

export const incidentDetailSchema = z.object({
  /** The ticket's category is a security category (also true on consoles that only synced it). */
  isSecurity: z.boolean(),
  incident: incidentSchema.nullable(),
  evidence: z.array(evidenceSchema),
  breach: breachClockSchema.nullable(),
  campaign: campaignSchema.nullable(),
});
export type IncidentDetail = z.infer<typeof incidentDetailSchema>;

export const verifyResultSchema = z.object({
  ok: z.boolean(),
  /** What does not match, in both languages (empty when ok). */
  problems: z.array(textFrEn),
  ticketNumber: z.number().nullable(),
  entries: z.number(),
  evidence: z.number(),
});

export const incidentCalls = {
  'incidents.config': call(z.strictObject({}).optional(), incidentConfigSchema),
  'incidents.setConfig': call(incidentConfigSchema, incidentConfigSchema),
  /** Logs the call as a security incident: category, maximum priority, security team. */
  'incidents.report': call(z.strictObject({ categoryKey: securityCategoryKeySchema, call: securityCallSchema }), z.object({ ticket: ticketSchema, incident: incidentSchema })),
  /** Marks an existing ticket as a security incident. */
  'incidents.mark': call(z.strictObject({ ticketId: id, categoryKey: securityCategoryKeySchema }), incidentSchema),
  'incidents.get': call(z.strictObject({ ticketId: id }), incidentDetailSchema),
  'incidents.list': call(z.strictObject({}).optional(), z.object({ incidents: z.array(incidentSchema) })),
  /** Possible personal-data breach: starts (or clears) the 72-hour notification clock. */
  'incidents.setBreach': call(z.strictObject({ ticketId: id, suspected: z.boolean() }), incidentSchema),
  'incidents.evidenceContent': call(z.strictObject({ id }), download),
  /** The incident's timeline, evidence and audit rows, signed, as JSON or PDF. */
  'incidents.export': call(z.strictObject({ ticketId: id, format: z.enum(['json', 'pdf']).default('json') }), download),
  'incidents.verifyExport': call(z.strictObject({ text: z.string().max(64 * 1024 * 1024) }), verifyResultSchema),
  'incidents.reportPhishing': call(
    z.strictObject({ paste: phishingPasteSchema, call: securityCallSchema }),
    z.object({ ticket: ticketSchema, details: phishingDetailsSchema, campaign: campaignSchema.nullable() }),
  ),
  'incidents.campaigns': call(z.strictObject({ ongoingOnly: z.boolean().default(true) }).optional(), z.object({ campaigns: z.array(campaignSchema), answer: textFrEn })),
  /** The next caller about an ongoing campaign: a child ticket and the prepared answer. */
  'incidents.joinCampaign': call(z.strictObject({ campaignId: id, call: securityCallSchema }), z.object({ ticket: ticketSchema, campaign: campaignSchema, answer: textFrEn })),
} as const;

export const incidentEvents = {} as const;
