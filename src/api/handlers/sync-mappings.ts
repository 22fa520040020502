import type { Core } from '../core';
import type { HandlersFor } from '../handler-kit';
import type { SyncStatusDto } from '../contracts/sync';
import type { SyncEngine } from '../../features/sync/engine';
import { createSyncMappings } from '../../features/sync/mappings';
import type { ReferentialsPort } from '../../features/tickets/referentials-port';
import { createDataSettings } from '../../features/tickets/settings-port';

/** Settings › Serveur ITSM › Correspondances: the `mappings.*` calls mapped onto the sync feature. */
export function createSyncMappingsFeature(
  core: Core,
  deps: { sync: { engine: SyncEngine; status(): SyncStatusDto }; referentials: Pick<ReferentialsPort, 'teams'>; organisationCodes: () => string[] },
) {
  const mappings = createSyncMappings({
    settings: createDataSettings(core.db),
    engine: deps.sync.engine,
    kind: () => deps.sync.status().config.kind,
    referentials: deps.referentials,
    organisationCodes: deps.organisationCodes,
    onChanged: () => core.events.emit('sync.changed', deps.sync.status()),
  });
  const handlers: HandlersFor<'mappings'> = {
    'mappings.get': () => mappings.current(),
    'mappings.choices': () => mappings.choices(),
    'mappings.setQueues': ({ queueMap }) => mappings.setQueues(queueMap),
  };
  return { handlers };
}
