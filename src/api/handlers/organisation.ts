import type { Core } from '../core';
import type { Handler } from '../handler-kit';
import { createOrganisationService } from '../../features/organisation/service';
import { createImportOrgPort } from '../../features/organisation/import';
import { archiveDemoServices, seedOrganisationDemo } from '../../features/organisation/demo';
import { orgTree } from '../../features/organisation/store';
import type { TicketFeature } from './tickets';
import { createReferentials } from '../../features/tickets/referentials';
import type { ReferentialsPort } from '../../features/tickets/referentials-port';

/**
 * The organisation feature, in two steps because tickets need it and it needs tickets:
 * the port (built first: the classifier every logged call goes through, the import's
 * organisation side, the demo's tree) and the contract handlers (built after tickets).
 */
export function createOrganisationPort(core: Core, referentials: ReferentialsPort = createReferentials(core.db, () => core.now()).port) {
  const service = createOrganisationService(core.db, core.policy.policy.priorityRules, referentials);
  return {
    service,
    classify: service.classify,
    importPort: createImportOrgPort(core.db),
    demo: { seed: seedOrganisationDemo, classify: service.classify, afterTickets: archiveDemoServices },
  };
}
export type OrganisationPort = ReturnType<typeof createOrganisationPort>;

export function createOrganisationFeature(core: Core, deps: { organisation: OrganisationPort; tickets: TicketFeature }) {
  const { service } = deps.organisation;
  const state = () => ({ rules: service.rules(), locked: service.policy.locked || service.policy.rules !== null, policyError: service.policy.error, issues: service.lint(service.rules()) });
  const handlers: {
    'organisation.tree': Handler<'organisation.tree'>;
    'organisation.rules': Handler<'organisation.rules'>;
    'organisation.saveRules': Handler<'organisation.saveRules'>;
    'organisation.previewRules': Handler<'organisation.previewRules'>;
    'organisation.explain': Handler<'organisation.explain'>;
    'tickets.reclassify': Handler<'tickets.reclassify'>;
  } = {
    'organisation.tree': () => orgTree(core.db),
    'organisation.rules': () => state(),
    'organisation.saveRules': ({ rules }) => {
      service.save(rules);
      core.events.emit('organisation.changed', { what: 'rules' });
      return state();
    },
    'organisation.previewRules': ({ rules }) => ({ ...service.preview(rules), issues: service.lint(rules) }),
    'organisation.explain': (input) => {
      const c = service.classify({ ...input, at: core.now() });
      return { organisationId: c.organisationId, serviceId: c.serviceId, tier: c.serviceTier, outcome: c.outcome };
    },
    'tickets.reclassify': ({ id, requesterId, categoryId }) => {
      const t = deps.tickets.workflow.reclassify(id, { requesterId, categoryId });
      core.events.emit('tickets.changed', { ids: [id] });
      return t;
    },
  };
  return { handlers };
}
