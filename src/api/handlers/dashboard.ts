import type { Core } from '../core';
import type { HandlersFor } from '../handler-kit';
import { RelaisError } from '../../base/errors';
import { createDashboardService, type DashboardResourcesPort } from '../../features/dashboard/service';
import { figureCsv } from '../../features/dashboard/csv';
import { buildActivityReport } from '../../features/dashboard/report';

/**
 * The dashboard: figures computed in the core from the local store and cached until a
 * ticket changes (see features/dashboard/service.ts), CSV of each figure, and the one-page
 * activity report the chef de service sends to the two organisations.
 */
export function createDashboardFeature(core: Core, deps: { resources?: DashboardResourcesPort } = {}) {
  const service = createDashboardService(core.db, {
    now: () => core.now(),
    onTicketsChanged: (listener) => {
      const off = core.events.subscribe((name) => {
        // Loans and seats change the resources cards without touching a ticket.
        if (name === 'tickets.changed' || name === 'directory.changed' || name === 'loans.changed' || name === 'seats.changed') listener();
      });
      core.onClose(off);
    },
    resources: deps.resources,
  });

  const handlers: HandlersFor<'dashboard'> = {
    'dashboard.get': (sel) => service.compute(sel),
    'dashboard.meta': () => service.meta(),
    'dashboard.save': ({ name, selection }) => service.save(name, selection),
    'dashboard.deleteSaved': ({ id }) => (service.deleteSaved(id), { deleted: true }),
    'dashboard.csv': ({ selection, figure, locale }) => ({ ...figureCsv(service.compute(selection), figure, locale), mime: 'text/csv' as const }),
    'dashboard.report': async ({ selection, locale }) => {
      const meta = service.meta();
      const organisation = selection.organisationId ? (meta.organisations?.find((o) => o.id === selection.organisationId)?.name ?? null) : null;
      const team = selection.teamId ? (meta.teams.find((t) => t.id === selection.teamId)?.name ?? null) : null;
      const service_ = selection.serviceId ? (meta.services?.find((s) => s.id === selection.serviceId)?.name ?? null) : null;
      const data = service.compute(selection);
      const { pdf, pages } = await buildActivityReport({ data, locale, generatedAt: core.now(), author: core.currentUser(), scope: { organisation, team, service: service_ } });
      if (pages !== 1) {
        throw RelaisError.of('REPORT_LAYOUT_dashboard');
      }
      const from = data.period.days[0] ?? '';
      const to = data.period.days.at(-1) ?? '';
      return { name: `${locale === 'fr' ? 'rapport-activite' : 'activity-report'}-${from}_${to}.pdf`, mime: 'application/pdf' as const, base64: pdf.toString('base64'), pages };
    },
  };
  return { handlers, service };
}
