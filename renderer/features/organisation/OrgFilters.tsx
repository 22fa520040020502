import { useTranslation } from 'react-i18next';
import type { QueueFilter } from '../../../src/domain/queue';
import { unitPath, type Tier } from '../../../src/domain/organisation';
import { useOrgTree } from './useOrgTree';
import './organisation.css';

/** The queue's organisation, service and tier filters (part of the filter bar). */
export function OrgFilters({ filter, set }: { filter: QueueFilter; set(patch: Partial<QueueFilter>): void }) {
  const { t } = useTranslation('organisation');
  const tree = useOrgTree();
  const services = (tree?.units ?? [])
    .filter((u) => u.kind === 'service' && (!filter.organisationIds || filter.organisationIds.includes(u.organisationId)))
    .map((u) => ({ id: u.id, label: unitPath(tree!.units, u.id) + (u.archived ? ` (${t('archived')})` : '') }))
    .sort((a, b) => a.label.localeCompare(b.label));
  return (
    <>
      <select aria-label={t('organisationFilter')} data-testid="filter-organisation" value={filter.organisationIds?.[0] ?? ''} onChange={(e) => set({ organisationIds: e.target.value ? [e.target.value] : undefined, serviceIds: undefined })}>
        <option value="">{t('anyOrganisation')}</option>
        {tree?.organisations.map((o) => <option key={o.id} value={o.id}>{o.code}</option>)}
      </select>
      <select aria-label={t('serviceFilter')} data-testid="filter-service" value={filter.serviceIds?.[0] ?? ''} onChange={(e) => set({ serviceIds: e.target.value ? [e.target.value] : undefined })}>
        <option value="">{t('anyService')}</option>
        {services.map((s) => <option key={s.id} value={s.id}>{s.label}</option>)}
      </select>
      <select aria-label={t('tierFilter')} data-testid="filter-tier" value={filter.tiers?.[0] ?? ''} onChange={(e) => set({ tiers: e.target.value ? [Number(e.target.value) as Tier] : undefined })}>
        <option value="">{t('anyTier')}</option>
        {[1, 2, 3].map((x) => <option key={x} value={x}>{x} — {t(`tier.${x}`)}</option>)}
      </select>
    </>
  );
}
