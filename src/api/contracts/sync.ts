import { z } from 'zod';
import { call, event } from '../contract-kit';
import { isSafeText } from '../../domain/text';
import { localizedText } from '../../base/errors';

const empty = z.strictObject({}).optional();

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

const id = z.string().min(1).max(64);

export const syncCalls = {
  'sync.status': call(empty, syncStatusSchema),
  'sync.configure': call(syncConfigureInput, syncStatusSchema),
  /** Tests the stored settings, or the given ones before saving them. */
  'sync.test': call(syncConfigureInput.partial().optional(), syncTestResultSchema),
  /** Starts a sync in the background; returns at once (progress comes as events). */
  'sync.now': call(empty, z.object({ started: z.boolean() })),
  'sync.ticket': call(z.strictObject({ ticketId: id }), ticketSyncStateSchema),
  'sync.resolveConflict': call(z.strictObject({ conflictId: z.number().int().positive(), keep: z.enum(['local', 'server']) }), ticketSyncStateSchema),
  'sync.retry': call(z.strictObject({ opId: id }), ticketSyncStateSchema),
  /** Drops a parked change (the UI asks for confirmation); a copy stays on the ticket's timeline. */
  'sync.discard': call(z.strictObject({ opId: id, confirm: z.literal(true) }), ticketSyncStateSchema),
  'sync.skipped': call(
    z.strictObject({ limit: z.number().int().min(1).max(500).default(50) }).optional(),
    z.object({ items: z.array(z.object({ serverId: z.string().nullable(), reason: z.string(), at: z.string() })) }),
  ),
} as const;

export const syncEvents = {
  'sync.changed': event(syncStatusSchema),
  'sync.progress': event(z.object({ phase: z.enum(['push', 'pull']), done: z.number().int(), total: z.number().int().nullable() })),
  /** Conflicts or parked changes of these tickets changed. */
  'sync.ticketState': event(z.object({ ticketIds: z.array(z.string()) })),
} as const;
