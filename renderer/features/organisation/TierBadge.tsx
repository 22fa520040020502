import { useTranslation } from 'react-i18next';
import './organisation.css';

/** A service's criticality tier: "V1" (vital) stands out, so tier 1 calls are seen at a glance. */
export function TierBadge({ tier }: { tier: 1 | 2 | 3 | null }) {
  const { t } = useTranslation('organisation');
  if (tier === null) return null;
  return (
    <span className={`tier-badge tier-${tier}`} title={t(`tier.${tier}`)} data-testid="tier-badge">
      {t(`tier.short${tier}`)}
    </span>
  );
}

/** "État civil" with its tier, and "(archivé)" for a service deleted since the call. */
export function ServiceLabel({ name, tier, archived }: { name: string | null; tier: 1 | 2 | 3 | null; archived: boolean }) {
  const { t } = useTranslation('organisation');
  if (!name) return null;
  return (
    <>
      <TierBadge tier={tier} /> {name}
      {archived && <em className="archived"> ({t('archived')})</em>}
    </>
  );
}
