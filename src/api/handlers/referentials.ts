import type { Core } from '../core';
import type { HandlersFor } from '../handler-kit';
import { createReferentials } from '../../features/tickets/referentials';
import type { ReferentialsEvents } from '../../domain/referentials';

/**
 * The desk's referentials (teams, categories, matrix, SLA, calendar), owned by the tickets
 * feature. Built first: the organisation rules and the tickets workflow read them through
 * `port`. Every change is announced so open screens reload their lists.
 */
export function createReferentialsFeature(core: Core) {
  const service = createReferentials(core.db, () => core.now());
  const changed = (what: ReferentialsEvents['referentials.changed']['what']) => core.events.emit('referentials.changed', { what });
  const after = <T>(what: ReferentialsEvents['referentials.changed']['what'], value: T): T => (changed(what), value);
  const handlers: HandlersFor<'referentials'> = {
    'referentials.list': () => ({ teams: service.listTeams(), categories: service.listCategories(), usage: service.usage() }),
    'referentials.createTeam': ({ name }) => after('teams', service.createTeam(name)),
    'referentials.renameTeam': ({ id, name }) => after('teams', service.renameTeam(id, name)),
    'referentials.archiveTeam': ({ id, archived }) => after('teams', service.archiveTeam(id, archived)),
    'referentials.createCategory': ({ parentId, name }) => after('categories', service.createCategory(parentId, name)),
    'referentials.renameCategory': ({ id, name }) => after('categories', service.renameCategory(id, name)),
    'referentials.archiveCategory': ({ id, archived }) => after('categories', service.archiveCategory(id, archived)),
    'referentials.desk': () => service.desk(),
    'referentials.saveMatrix': ({ matrix }) => (service.saveMatrix(matrix), after('matrix', service.desk())),
    'referentials.saveSla': ({ sla }) => (service.saveSla(sla), after('sla', service.desk())),
    'referentials.saveCalendar': ({ calendar }) => (service.saveCalendar(calendar), after('calendar', service.desk())),
  };
  return { service, port: service.port, handlers };
}
export type ReferentialsFeature = ReturnType<typeof createReferentialsFeature>;
