import { z } from 'zod';
import { assetSchema, personSchema } from './tickets';

/** Directory look-up results and CSV import previews (shared by the core and the renderer). */
export const directoryHitSchema = z.object({
  person: personSchema.nullable(),
  /** The PC the agent typed, when the hit came from a PC name, serial or IP. */
  asset: assetSchema.nullable(),
  /** The person's PCs, so the hotline can confirm the right one on the phone. */
  personAssets: z.array(assetSchema),
});
export type DirectoryHit = z.infer<typeof directoryHitSchema>;

/** people, PCs, or the organisation tree (organisation, direction, service, tier). */
export const importKindSchema = z.enum(['people', 'assets', 'services']);
export type ImportKind = z.infer<typeof importKindSchema>;

/** One CSV line's problem: line number as shown in a spreadsheet (header = line 1). */
export const importLineErrorSchema = z.object({
  line: z.number().int(),
  reason: z.object({ fr: z.string(), en: z.string() }),
});
export type ImportLineError = z.infer<typeof importLineErrorSchema>;

export const importPreviewSchema = z.object({
  kind: importKindSchema,
  columns: z.array(z.string()),
  /** The first lines as they will be imported (display only). */
  sample: z.array(z.array(z.string())),
  valid: z.number().int(),
  errors: z.array(importLineErrorSchema),
});
export type ImportPreview = z.infer<typeof importPreviewSchema>;
