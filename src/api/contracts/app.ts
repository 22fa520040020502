import { z } from 'zod';
import { call, event } from '../contract-kit';
import { localeSchema, preferencesPatchSchema, preferencesSchema } from '../../base/preferences-schema';

const empty = z.strictObject({}).optional();

export const appInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  host: z.enum(['electron', 'web']),
  platform: z.string(),
  dataDir: z.string(),
  userName: z.string(),
  demo: z.boolean(),
});

export const settingsSchema = z.object({
  values: preferencesSchema,
  /** Keys preset and locked by the administrator's policy file. */
  locked: z.array(z.string()),
  policyFile: z.string().nullable(),
});

export const appCalls = {
  'app.info': call(empty, appInfoSchema),
  'app.locale': call(empty, z.object({ locale: localeSchema, available: z.array(localeSchema) })),
  'settings.get': call(empty, settingsSchema),
  'settings.set': call(preferencesPatchSchema, settingsSchema),
} as const;

export const appEvents = {
  'settings.changed': event(settingsSchema),
} as const;
