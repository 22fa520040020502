import { dashboardSelectionSchema, periodPresetSchema, type DashboardSelection } from '../../../src/domain/dashboard';

/**
 * The dashboard's selection lives in the address (`#/dashboard?period=30d&org=…`): a reload,
 * a bookmark or a link sent to a colleague reopens the same view. Anything unreadable falls
 * back to the default (7 days, no filter) rather than an error page.
 */
export const DEFAULT_SELECTION: DashboardSelection = { period: '7d', organisationId: null, teamId: null, serviceId: null };

export function selectionFromQuery(query: string): DashboardSelection {
  const p = new URLSearchParams(query);
  const period = periodPresetSchema.safeParse(p.get('period'));
  const parsed = dashboardSelectionSchema.safeParse({
    period: period.success ? period.data : '7d',
    from: p.get('from') ?? undefined,
    to: p.get('to') ?? undefined,
    organisationId: p.get('org') || null,
    teamId: p.get('team') || null,
    serviceId: p.get('service') || null,
  });
  return parsed.success ? parsed.data : DEFAULT_SELECTION;
}

export function selectionToQuery(s: DashboardSelection): string {
  const p = new URLSearchParams({ period: s.period });
  if (s.period === 'custom' && s.from && s.to) {
    p.set('from', s.from);
    p.set('to', s.to);
  }
  if (s.organisationId) p.set('org', s.organisationId);
  if (s.teamId) p.set('team', s.teamId);
  if (s.serviceId) p.set('service', s.serviceId);
  return p.toString();
}
