import { z } from 'zod';
import { call, event } from '../contract-kit';
import { empty, syncConfigureInput, syncStatusSchema, syncTestResultSchema, ticketSyncStateSchema } from '../../domain/sync';

export * from '../../domain/sync';

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
  /** "Tout réessayer": every parked change goes back to the queue. */
  'sync.retryAll': call(empty, z.object({ retried: z.number().int(), status: syncStatusSchema })),
  /** "Préparer le serveur": creates what the test found missing (stored settings, or the given ones). */
  'sync.prepare': call(syncConfigureInput.partial().extend({ confirm: z.literal(true) }), syncTestResultSchema),
  /**
   * Removes the configured server (the UI asks for confirmation and says how many changes
   * are waiting): settings and secrets go, tickets and unsent changes stay for the next server.
   */
  'sync.remove': call(z.strictObject({ confirm: z.literal(true) }), z.object({ kept: z.number().int(), status: syncStatusSchema })),
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
