import fs from 'node:fs';
import { z } from 'zod';
import { preferencesPatchSchema } from './preferences-schema';

/**
 * The machine-wide policy an administrator deploys to preset and lock settings
 * (`%ProgramData%\Relais\policy.json`, `/etc/relais/policy.json`). Read once at start.
 * Features add their own sections here (sync server, extra tool folder...).
 */
export const policySchema = z.strictObject({
  /** Values applied over the user's preferences. */
  preferences: preferencesPatchSchema.optional(),
  /** Preference keys the user may not change (their value comes from `preferences`). */
  locked: z.array(z.string().max(64)).max(100).default([]),
  /** Extra folder of configuration tools maintained by the administrator. */
  toolsDir: z.string().max(1024).optional(),
  /** false: RELAIS_DATA_DIR is ignored and the data folder is always the platform's own. */
  allowDataDirEnv: z.boolean().default(true),
  /** ITSM server preset (validated by the sync feature). */
  sync: z.record(z.string(), z.unknown()).optional(),
  /** Priority rules: `{ "locked": true, "rules": [...] }` (validated by the organisation feature). */
  priorityRules: z.record(z.string(), z.unknown()).optional(),
});
export type Policy = z.output<typeof policySchema>;

export interface LoadedPolicy {
  file: string | null;
  policy: Policy;
  /** Set when a policy file exists but is unusable; the app runs with no policy and says why. */
  error: string | null;
}

export function loadPolicy(file: string | null): LoadedPolicy {
  const none: Policy = { locked: [], allowDataDirEnv: true };
  if (!file || !fs.existsSync(file)) return { file: null, policy: none, error: null };
  try {
    const parsed = policySchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
    if (!parsed.success) {
      const why = parsed.error.issues.map((i) => `${i.path.join('.') || '(racine)'}: ${i.message}`).join('; ');
      return { file, policy: none, error: `${file}: ${why}` };
    }
    return { file, policy: parsed.data, error: null };
  } catch (err) {
    return { file, policy: none, error: `${file}: ${(err as Error).message}` };
  }
}
