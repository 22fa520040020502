import { z } from 'zod';
import { singleLineName } from './text';

/**
 * User preferences: what a user may change in Settings, and what an administrator may
 * preset or lock through the machine-wide policy file. Stored by electron-store in
 * Electron and by a JSON file beside the database otherwise. Never holds a secret:
 * secrets live in the vault and are referenced by id.
 */
export const localeSchema = z.enum(['fr', 'en']);
export type Locale = z.infer<typeof localeSchema>;

export const preferencesSchema = z.strictObject({
  locale: localeSchema.default('fr'),
  /** Name shown on the timeline and in the audit log for the person using this console. */
  userName: singleLineName(120).optional(),
  /**
   * The operator's login on the configured ITSM server (RT user name, GLPI login): the
   * technician identity written on tickets and sent to the server, asked on first run when a
   * server is configured. Without it, the display name is the identity.
   */
  userLogin: singleLineName(120).optional(),
  theme: z.enum(['light', 'dark', 'system']).default('system'),
  /** Default team shown by the hotline's call form. */
  defaultTeam: singleLineName(64).optional(),
});
export type Preferences = z.output<typeof preferencesSchema>;

/** A patch from the UI: any subset of the preferences. */
export const preferencesPatchSchema = preferencesSchema.partial();
export type PreferencesPatch = z.input<typeof preferencesPatchSchema>;
