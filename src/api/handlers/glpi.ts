import type { Core } from '../core';
import type { HandlersFor } from '../handler-kit';
import type { SyncFeature } from './sync';
import { readGlpiMappings } from '../../features/sync/connectors/glpi/mapping';

/** GLPI settings beside the sync feature: the mappings live in sync_state, read by the connector at each use. */
export function createGlpiFeature(core: Core, deps: { sync: SyncFeature }) {
  const { engine } = deps.sync;
  const handlers: HandlersFor<'glpi'> = {
    'glpi.mappings.get': () => readGlpiMappings(engine.getState('glpi.mappings')),
    'glpi.mappings.set': (input) => {
      engine.setState('glpi.mappings', JSON.stringify(input));
      // A group or account that was missing may be mapped now: refused changes get another try.
      if (engine.getConnector()?.kind === 'glpi') {
        engine.retryParked({ kind: 'rejected' });
        void engine.sync({ pull: false });
      }
      core.events.emit('sync.changed', deps.sync.status());
      return readGlpiMappings(engine.getState('glpi.mappings'));
    },
  };
  return { handlers };
}
