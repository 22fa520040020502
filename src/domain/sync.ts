import { z } from 'zod';
import { isSafeText } from '../base/text';
import { localizedText } from '../base/errors';

export const empty = z.strictObject({}).optional();

export const serverKindSchema = z.enum(['rt', 'glpi']);
export type ServerKind = z.infer<typeof serverKindSchema>;

const url = z
  .string()
  .trim()
  .max(500)
  .regex(/^https?:\/\/[^\s/$.?#][^\s]*$/i, 'http_url');
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
  user: z.string().trim().max(120).refine(isSafeText, { message: 'Une seule ligne imprimable / Single printable line' }).optional(),
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

/** One thing a connector needs on the server (see `ReadinessCheck` in src/sync/types.ts). */
export const readinessCheckSchema = z.object({
  key: z.string(),
  ok: z.boolean(),
  /** Message code the renderer words (sync.check.*), with its params. */
  code: z.string(),
  params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  fixable: z.boolean(),
});
export const serverReadinessSchema = z.object({
  account: z.string(),
  serverVersion: z.string().nullable(),
  checks: z.array(readinessCheckSchema),
});
export type ServerReadinessDto = z.infer<typeof serverReadinessSchema>;

/** The last connection test, kept beside the saved configuration. */
export const lastTestSchema = z.object({ ok: z.boolean(), at: z.string(), account: z.string().nullable(), kind: serverKindSchema, url: z.string() });

export const syncStatusSchema = z.object({
  config: syncConfigSchema.extend({ lastTest: lastTestSchema.nullable() }),
  /** The one state the status bar words: see `SyncState` in src/sync/engine.ts. */
  state: z.enum(['local', 'connecting', 'synced', 'unreachable', 'authRefused', 'rejected']),
  /** Since when the server has not answered (state 'unreachable'). */
  unreachableSince: z.string().nullable(),
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
  /** The account the server authenticated (never the name typed in the settings). */
  user: z.string().nullable(),
  serverVersion: z.string().nullable(),
  message: localizedText,
  /** What the connector needs on the server, piece by piece (null when the server did not answer). */
  readiness: serverReadinessSchema.nullable().default(null),
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
  /** Why it is parked: 'auth' (token refused: one global hint), 'rejected', 'notFound', 'transient'. */
  reason: z.string().default('rejected'),
});
export const ticketSyncStateSchema = z.object({
  ticketId: z.string(),
  serverId: z.string().nullable(),
  pending: z.number().int(),
  conflicts: z.array(syncConflictSchema),
  parked: z.array(parkedOpSchema),
  /** Older follow-ups are still being fetched from the server ("historique partiel"). */
  historyPartial: z.boolean().default(false),
  /** What the server could not take for this ticket (code + params, e.g. sync.fieldsNotSent {fields}). */
  warnings: z.array(z.object({ code: z.string(), params: z.record(z.string(), z.unknown()) })).default([]),
});
