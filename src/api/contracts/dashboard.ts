import { z } from 'zod';
import { call } from '../contract-kit';
import { dashboardSchema, dashboardSelectionSchema, figureSchema, savedDashboardSchema } from '../../domain/dashboard';

const id = z.string().min(1).max(64);
const locale = z.enum(['fr', 'en']).default('fr');

export const dashboardMetaSchema = z.object({
  teams: z.array(z.object({ id: z.string(), name: z.string() })),
  /** null until the organisation model (issue 12) is in this store. */
  organisations: z.array(z.object({ id: z.string(), name: z.string() })).nullable(),
  services: z.array(z.object({ id: z.string(), organisationId: z.string(), name: z.string(), tier: z.number().int().nullable() })).nullable(),
  saved: z.array(savedDashboardSchema),
});
export type DashboardMeta = z.infer<typeof dashboardMetaSchema>;

export const dashboardCalls = {
  /** Every activity figure for a period and filters, from the local store (works offline). */
  'dashboard.get': call(dashboardSelectionSchema, dashboardSchema),
  'dashboard.meta': call(z.strictObject({}).optional(), dashboardMetaSchema),
  'dashboard.save': call(z.strictObject({ name: z.string().trim().min(1).max(80), selection: savedDashboardSchema.shape.selection.strict() }), savedDashboardSchema),
  'dashboard.deleteSaved': call(z.strictObject({ id }), z.object({ deleted: z.boolean() })),
  /** One figure as a CSV file (French: ";" and decimal comma). */
  'dashboard.csv': call(z.strictObject({ selection: dashboardSelectionSchema, figure: figureSchema, locale }), z.object({ name: z.string(), mime: z.literal('text/csv'), text: z.string() })),
  /** The one-page "rapport d'activité" (PDF) for a period and an organisation. */
  'dashboard.report': call(
    z.strictObject({ selection: dashboardSelectionSchema, locale }),
    z.object({ name: z.string(), mime: z.literal('application/pdf'), base64: z.string(), pages: z.number() }),
  ),
} as const;

export const dashboardEvents = {} as const;
