import { RelaisError } from '../../base/errors';
import { queueMapProblems, rtQueueMapSchema, type RtQueueMap, type SyncMappings } from '../../domain/sync-mappings';
import type { ServerKind } from '../../domain/sync';
import type { SyncEngine } from './engine';
import { SyncError } from './types';
import { readGlpiMappings } from './connectors/glpi/mapping';
import type { DataSettingsPort } from '../tickets/settings-port';
import type { ReferentialsPort } from '../tickets/referentials-port';

/** Data setting holding the RT team → queue map (read by the RT connector at each use). */
export const RT_QUEUE_MAP_KEY = 'sync.rtQueueMap';
export const readRtQueueMap = (settings: DataSettingsPort): RtQueueMap => settings.read(RT_QUEUE_MAP_KEY, rtQueueMapSchema, {});

/** The teams tickets are routed to, in their order: each needs a queue (RT) or a group (GLPI) on the server. */
export const routedTeamNames = (referentials: Pick<ReferentialsPort, 'teams'>): string[] =>
  referentials.teams().filter((t) => t.active).map((t) => t.name);

export const mappingErrors = {
  unknownTeam: (team: string) => RelaisError.of('INVALID_INPUT_team', { team }, { team }),
  sharedQueue: (queue: string, teams: string[]) => RelaisError.of('INVALID_INPUT_shared_queue', { queue, teams: teams.join(', ') }, { queue, teams }),
  noServer: () => RelaisError.of('SYNC_NOT_CONFIGURED_mappings'),
  unreachable: (detail: string) => RelaisError.of('SYNC_UNREACHABLE', { detail: detail.slice(0, 200) }),
};

export interface SyncMappingsDeps {
  /** The tickets feature's data settings, where the RT queue map is kept. */
  settings: DataSettingsPort;
  engine: SyncEngine;
  kind: () => ServerKind | null;
  /** The tickets feature's referentials: the teams to map. */
  referentials: Pick<ReferentialsPort, 'teams'>;
  organisationCodes: () => string[];
  /** The sync state changed (a refused change may go again). */
  onChanged: () => void;
}

/**
 * Settings › Serveur ITSM › Correspondances. RT queues are a data setting read by the RT
 * connector at each use; GLPI groups and entities are the GLPI mappings (`glpi.mappings.set`).
 */
export function createSyncMappings(deps: SyncMappingsDeps) {
  const { engine } = deps;
  const current = (): SyncMappings => ({
    kind: deps.kind(),
    teams: routedTeamNames(deps.referentials),
    organisations: deps.organisationCodes(),
    queueMap: readRtQueueMap(deps.settings),
    glpi: readGlpiMappings(engine.getState('glpi.mappings')),
  });
  return {
    current,
    async choices() {
      const connector = engine.getConnector();
      if (!connector) throw mappingErrors.noServer();
      try {
        const c = (await connector.choices?.()) ?? {};
        return { queues: c.queues ?? [], groups: c.groups ?? [], entities: c.entities ?? [] };
      } catch (err) {
        if (err instanceof SyncError || err instanceof Error) throw mappingErrors.unreachable(err instanceof SyncError ? err.serverMessage : err.message);
        throw err;
      }
    },
    setQueues(queueMap: RtQueueMap): SyncMappings {
      const known = routedTeamNames(deps.referentials);
      // A team sent to the queue of its own name needs no entry.
      const map = Object.fromEntries(Object.entries(queueMap).filter(([team, queue]) => team !== queue));
      for (const p of queueMapProblems(map, known)) throw p.kind === 'unknownTeam' ? mappingErrors.unknownTeam(p.team) : mappingErrors.sharedQueue(p.queue, p.teams);
      deps.settings.write(RT_QUEUE_MAP_KEY, rtQueueMapSchema, map);
      // A queue that did not exist may be mapped now: changes it refused get another try.
      if (engine.getConnector()?.kind === 'rt') {
        engine.retryParked({ kind: 'rejected' });
        void engine.sync({ pull: false });
      }
      deps.onChanged();
      return current();
    },
  };
}
