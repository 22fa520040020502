import type { Core } from '../core';
import type { HandlersFor } from '../handler-kit';
import type { AuditPort } from '../../features/security/port';
import type { TicketReplicaPort } from '../../features/tickets/port';
import type { ReferentialsPort } from '../../features/tickets/referentials-port';
import { createDataSettings } from '../../features/tickets/settings-port';
import { createSyncService, type SyncServiceOptions, type SyncVault } from '../../features/sync/service';

export type SyncFeatureOptions = SyncServiceOptions;

/** What sync needs from the security feature: its secrets in the vault, its actions in the audit log. */
export interface SyncSecurityDeps {
  vault: SyncVault;
  audit: AuditPort;
}

/**
 * The sync feature (`src/features/sync/service.ts`) wired to the core, and the contract's
 * `sync.*` calls mapped onto it.
 */
export function createSyncFeature(core: Core, deps: { security: SyncSecurityDeps; tickets: TicketReplicaPort; referentials: Pick<ReferentialsPort, 'teams'> }, options: SyncFeatureOptions = {}) {
  const sync = createSyncService(
    core,
    {
      tickets: deps.tickets,
      referentials: deps.referentials,
      settings: createDataSettings(core.db),
      vault: deps.security.vault,
      audit: deps.security.audit,
      policy: core.policy.policy.sync,
      onLocalChange: (listener) => core.events.subscribe((name) => name === 'tickets.changed' && listener()),
    },
    options,
  );
  const handlers: HandlersFor<'sync'> = {
    'sync.status': () => sync.status(),
    'sync.configure': (input) => sync.configure(input),
    'sync.test': (input) => sync.test(input),
    'sync.prepare': ({ confirm: _confirm, ...server }) => sync.prepare(server),
    'sync.remove': () => sync.remove(),
    'sync.retryAll': () => sync.retryAll(),
    'sync.now': () => sync.syncNow(),
    'sync.ticket': ({ ticketId }) => sync.openTicket(ticketId),
    'sync.resolveConflict': ({ conflictId, keep }) => sync.resolveConflict(conflictId, keep),
    'sync.retry': ({ opId }) => sync.retry(opId),
    'sync.discard': ({ opId }) => sync.discard(opId),
    'sync.skipped': (input) => sync.skipped(input?.limit ?? 50),
  };
  return { handlers, engine: sync.engine, status: sync.status, ticketState: sync.ticketState, readConfig: sync.readConfig, itsmTarget: sync.itsmTarget, glpiEntities: sync.glpiEntities };
}
export type SyncFeature = ReturnType<typeof createSyncFeature>;
