/**
 * The seats' and waiting lists' verdicts, worded in the reader's language. The core sends
 * facts (a refusal code with its numbers, a request's tier, priority and dates, the criterion
 * that ranked it); the texts are the `seats` namespace's (`verdict.*`, `rank.*`). The equipment
 * desk ranks its requests with the same code, so it words them with the same functions.
 */
import type { TFunction } from 'i18next';
import type { AssignVerdict, OrgNames, PoolUsage } from '../../../src/domain/seats';
import { DEFAULT_PRIORITY, formatRequestDate, type RankCriterion, type WaitlistEntry } from '../../../src/domain/waitlist';

const orgName = (names: OrgNames, id: string) => names[id] ?? id;

/** "quota Ville atteint : 20/20 ; 3 places Métropole prêtables" */
export function refusalText(v: Exclude<AssignVerdict, { ok: true }>, names: OrgNames, t: TFunction): string {
  if (v.code === 'POOL_FULL') return t('seats:verdict.poolFull', { used: v.params.used, capacity: v.params.capacity });
  const p = v.params;
  const lends = p.lendable.length
    ? p.lendable.map((l) => t('seats:verdict.lendable', { count: l.free, org: orgName(names, l.organisationId) })).join(t('seats:rank.separator'))
    : t('seats:verdict.noLendable');
  return t('seats:verdict.quotaFull', { org: orgName(names, p.organisationId), used: p.used, quota: p.quota, lends });
}

/** "sur-allocation : 3 places à reprendre" (null when the pool is within capacity). */
export function overAllocationText(u: Pick<PoolUsage, 'overAllocated'>, t: TFunction): string | null {
  return u.overAllocated > 0 ? t('seats:verdict.overAllocated', { count: u.overAllocated }) : null;
}

/** "connectés maintenant : 37 / 50" */
export function liveText(connected: number, capacity: number, t: TFunction): string {
  return t('seats:verdict.live', { connected, capacity });
}

/**
 * Why a request stands where it does: "Service vital (niveau 1), demande du 12/03 09:14".
 * The priority is named only when it differs from the default (moyenne), and an override
 * names its author and reason first. Dates in `timeZone` (default: the machine's).
 */
export function rankText(entry: WaitlistEntry, t: TFunction, lang: 'fr' | 'en', timeZone?: string): string {
  const parts: string[] = [];
  if (entry.override) parts.push(t('seats:rank.override', { by: entry.override.by, reason: entry.override.reason }));
  parts.push(t(`seats:rank.tier.${entry.tier ?? 0}`));
  if (entry.priority !== DEFAULT_PRIORITY) parts.push(t(`seats:rank.priority.${entry.priority}`));
  parts.push(t('seats:rank.requested', { date: formatRequestDate(entry.requestedAt, lang, timeZone) }));
  return parts.join(t('seats:rank.separator'));
}

/** The criterion that placed a ranked request, in words ("départagée par la priorité"). */
export function criterionText(criterion: RankCriterion, t: TFunction): string {
  return t(`seats:rank.criterion.${criterion}`);
}
