import { useTranslation } from 'react-i18next';
import { useCall } from '../../api/queries';
import { useLang } from './SeatsPage';

/** In the caller panel: the remote-access seats the caller already holds ("VPN agents jusqu'au 12/06"). */
export function CallerSeats({ personId }: { personId: string }) {
  const { t } = useTranslation('seats');
  const lang = useLang();
  // Keyed by the caller: a late answer for the previous caller never shows. A failure shows
  // nothing here and goes to the status bar's notice.
  const seats = useCall('seats.ofHolder', { personId }).data?.seats;
  if (!seats) return null;
  return (
    <span className="muted" data-testid="caller-seats">
      {seats.length === 0
        ? t('callerNone')
        : seats.map((s) => t('callerSeat', { pool: s.poolName, date: new Date(s.expiresAt).toLocaleDateString(lang === 'fr' ? 'fr-FR' : 'en-GB') })).join(' · ')}
    </span>
  );
}
