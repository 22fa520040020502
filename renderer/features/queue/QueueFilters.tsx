import { useTranslation } from 'react-i18next';
import type { QueueFilter } from '../../../src/domain/queue';
import type { TicketStatus } from '../../../src/domain/tickets';
import type { TicketMeta } from '../ticket/ticket-meta';
import { OrgFilters } from '../organisation/OrgFilters';

const STATUSES: TicketStatus[] = [1, 2, 3, 4, 5, 6];

/** Filter bar: status, team, technician, priority, organisation, service, tier, late, mine, unassigned. */
export function QueueFilters({ filter, meta, onChange }: { filter: QueueFilter; meta: TicketMeta | null; onChange(f: QueueFilter): void }) {
  const { t } = useTranslation('hotline');
  const statusValue = !filter.statuses ? '' : filter.statuses.length === 4 && filter.statuses.every((s) => s < 5) ? 'open' : filter.statuses.length === 1 ? String(filter.statuses[0]) : 'custom';
  const set = (patch: Partial<QueueFilter>) => {
    const next: QueueFilter = { ...filter, ...patch };
    for (const k of Object.keys(next) as (keyof QueueFilter)[]) if (next[k] === undefined || next[k] === false) delete next[k];
    onChange(next);
  };
  return (
    <fieldset className="queue-filters" aria-label={t('queue.filters')}>
      <select aria-label={t('field.status')} data-testid="filter-status" value={statusValue} onChange={(e) => {
        const v = e.target.value;
        set({ statuses: v === '' ? undefined : v === 'open' ? [1, 2, 3, 4] : v === 'custom' ? filter.statuses : [Number(v) as TicketStatus] });
      }}>
        <option value="">{t('queue.anyStatus')}</option>
        <option value="open">{t('queue.openStatuses')}</option>
        {statusValue === 'custom' && <option value="custom">…</option>}
        {STATUSES.map((s) => <option key={s} value={s}>{t(`status.${s}`)}</option>)}
      </select>
      <select aria-label={t('field.team')} data-testid="filter-team" value={filter.teamIds?.[0] ?? ''} onChange={(e) => set({ teamIds: e.target.value ? [e.target.value] : undefined })}>
        <option value="">{t('queue.anyTeam')}</option>
        {meta?.teams.map((team) => <option key={team.id} value={team.id}>{team.name}</option>)}
      </select>
      <select aria-label={t('field.technician')} data-testid="filter-technician" value={filter.technician ?? ''} onChange={(e) => set({ technician: e.target.value || undefined })}>
        <option value="">{t('queue.anyTechnician')}</option>
        {meta?.technicians.map((x) => <option key={x} value={x}>{x}</option>)}
      </select>
      <select aria-label={t('field.priority')} data-testid="filter-priority" value={filter.priorities?.[0] ?? ''} onChange={(e) => set({ priorities: e.target.value ? [Number(e.target.value)] : undefined })}>
        <option value="">{t('queue.anyPriority')}</option>
        {[6, 5, 4, 3, 2, 1].map((p) => <option key={p} value={p}>{t(`level.${p}`)}</option>)}
      </select>
      <OrgFilters filter={filter} set={set} />
      <label className="check"><input type="checkbox" data-testid="filter-late" checked={filter.slaBreached === true} onChange={(e) => set({ slaBreached: e.target.checked || undefined })} /> {t('queue.late')}</label>
      <label className="check"><input type="checkbox" data-testid="filter-mine" checked={filter.mine === true} onChange={(e) => set({ mine: e.target.checked || undefined })} /> {t('queue.mine')}</label>
      <label className="check"><input type="checkbox" data-testid="filter-unassigned" checked={filter.unassigned === true} onChange={(e) => set({ unassigned: e.target.checked || undefined })} /> {t('queue.unassigned')}</label>
    </fieldset>
  );
}
