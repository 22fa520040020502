import type { Db } from '../../platform/db';
import { RelaisError } from '../../base/errors';
import { queueMapProblems, rtQueueMapSchema, type RtQueueMap, type SyncMappings } from '../../domain/sync-mappings';
import type { ServerKind } from '../../domain/sync';
import type { SyncEngine } from './engine';
import { SyncError } from './types';
import { readGlpiMappings } from './connectors/glpi/mapping';
import { readSetting, writeSetting } from '../tickets/repos/settings';

/** Data setting holding the RT team → queue map (read by the RT connector at each use). */
export const RT_QUEUE_MAP_KEY = 'sync.rtQueueMap';
export const readRtQueueMap = (db: Db): RtQueueMap => readSetting(db, RT_QUEUE_MAP_KEY, rtQueueMapSchema, {});

export const mappingErrors = {
  unknownTeam: (team: string) =>
    new RelaisError('INVALID_INPUT', {
      fr: `L'équipe « ${team} » n'existe pas dans Relais : choisissez une équipe de la liste (Paramètres › Équipes), puis enregistrez.`,
      en: `Team "${team}" does not exist in Relais: pick a team from the list (Settings › Teams), then save.`,
    }, { team }),
  sharedQueue: (queue: string, teams: string[]) =>
    new RelaisError('INVALID_INPUT', {
      fr: `Les équipes ${teams.join(', ')} vont toutes dans la file « ${queue} » : un ticket de cette file ne pourrait pas revenir à une seule équipe. Donnez une file différente à chaque équipe.`,
      en: `Teams ${teams.join(', ')} all go to queue "${queue}": a ticket from that queue could not come back to one team. Give each team its own queue.`,
    }, { queue, teams }),
  noServer: () =>
    new RelaisError('SYNC_NOT_CONFIGURED', {
      fr: "Aucun serveur ITSM n'est configuré : enregistrez d'abord l'adresse et le jeton du serveur, puis ouvrez les correspondances.",
      en: 'No ITSM server is configured: save the server address and token first, then open the mappings.',
    }),
  unreachable: (detail: string) =>
    new RelaisError('SYNC_UNREACHABLE', {
      fr: `Le serveur n'a pas donné sa liste (${detail.slice(0, 200)}) : vérifiez la connexion (« Tester la connexion ») puis rouvrez les correspondances. Celles déjà enregistrées restent utilisées.`,
      en: `The server did not give its list (${detail.slice(0, 200)}): check the connection ("Test the connection") and open the mappings again. The saved ones stay in use.`,
    }),
};

export interface SyncMappingsDeps {
  db: Db;
  engine: SyncEngine;
  kind: () => ServerKind | null;
  activeTeamNames: () => string[];
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
    teams: deps.activeTeamNames(),
    organisations: deps.organisationCodes(),
    queueMap: readRtQueueMap(deps.db),
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
      const known = deps.activeTeamNames();
      // A team sent to the queue of its own name needs no entry.
      const map = Object.fromEntries(Object.entries(queueMap).filter(([team, queue]) => team !== queue));
      for (const p of queueMapProblems(map, known)) throw p.kind === 'unknownTeam' ? mappingErrors.unknownTeam(p.team) : mappingErrors.sharedQueue(p.queue, p.teams);
      writeSetting(deps.db, RT_QUEUE_MAP_KEY, map);
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
