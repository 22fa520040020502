import { z } from 'zod';
import { localizedText } from '../base/errors';

export const empty = z.strictObject({}).optional();

export const serverKindSchema = z.enum(['rt', 'glpi']);
export type ServerKind = z.infer<typeof serverKindSchema>;

const url = z
  .string()
  .trim()
  .max(500)
  .regex(/^https?:\/\/[^\s/$.?#][^\s]*$/i, 'URL http:// ou https://');
const secret = z.string().min(1).max(4096);

/** The ITSM server preset an administrator may put in the policy file (`policy.sync`). */
export const syncPolicySchema = z.strictObject({
  kind: serverKindSchema,
  url,
  /** When true the technician cannot change the server kind and URL (credentials stay personal). */
  locked: z.boolean().default(true),
  intervalSec: z.number().int().min(15).max(3600).optional(),
});
export type SyncPolicy = z.output<typeof syncPolicySchema>;

/**
 * Server settings from the UI. Secrets are sent once, stored in the vault by the core and
 * never returned: `hasToken` / `hasAppToken` say whether one is stored.
 */
export const syncConfigureInput = z.strictObject({
  kind: serverKindSchema,
  url,
  /** RT: auth token. GLPI: the user's API token (user_token). Omitted: keep the stored one. */
  token: secret.optional(),
  /** GLPI only: the App-Token of the API client. Omitted: keep the stored one. */
  appToken: secret.optional(),
  /** Login shown in the status (display only). */
  user: z.string().trim().max(120).optional(),
});

export const syncConfigSchema = z.object({
  configured: z.boolean(),
  kind: serverKindSchema.nullable(),
  url: z.string().nullable(),
  user: z.string().nullable(),
  hasToken: z.boolean(),
  hasAppToken: z.boolean(),
  /** Kind and URL come from the administrator's policy. */
  locked: z.boolean(),
});

export const syncStatusSchema = z.object({
  config: syncConfigSchema,
  running: z.boolean(),
  /** null: not known yet (no exchange with the server since start). */
  online: z.boolean().nullable(),
  pending: z.number().int(),
  parked: z.number().int(),
  conflicts: z.number().int(),
  lastSuccessAt: z.string().nullable(),
  lastError: z.string().nullable(),
  /** The first full pull is done (later ones are incremental). */
  initialDone: z.boolean(),
});
export type SyncStatusDto = z.infer<typeof syncStatusSchema>;

export const syncTestResultSchema = z.object({
  ok: z.boolean(),
  user: z.string().nullable(),
  serverVersion: z.string().nullable(),
  message: localizedText,
});

export const syncConflictSchema = z.object({
  id: z.number().int(),
  ticketId: z.string(),
  field: z.string(),
  baseValue: z.unknown(),
  localValue: z.unknown(),
  serverValue: z.unknown(),
  detectedAt: z.string(),
});
export const parkedOpSchema = z.object({
  opId: z.string(),
  ticketId: z.string(),
  kind: z.string(),
  createdAt: z.string(),
  /** What the change was, for the technician (subject, field list, follow-up start). */
  summary: z.string(),
  /** The server's message as it gave it. */
  serverMessage: z.string(),
  status: z.number().int().nullable(),
});
export const ticketSyncStateSchema = z.object({
  ticketId: z.string(),
  serverId: z.string().nullable(),
  pending: z.number().int(),
  conflicts: z.array(syncConflictSchema),
  parked: z.array(parkedOpSchema),
});


