import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallOutput } from '../../../src/api/contract';
import { api } from '../../api/client';
import { useLang } from './SeatsPage';

/** In the caller panel: the remote-access seats the caller already holds ("VPN agents jusqu'au 12/06"). */
export function CallerSeats({ personId }: { personId: string }) {
  const { t } = useTranslation('seats');
  const lang = useLang();
  const [seats, setSeats] = useState<CallOutput<'seats.ofHolder'>['seats'] | null>(null);
  useEffect(() => {
    let live = true;
    api.call('seats.ofHolder', { personId }).then(
      (r) => live && setSeats(r.seats),
      () => live && setSeats(null),
    );
    return () => {
      live = false;
    };
  }, [personId]);
  if (!seats) return null;
  return (
    <span className="muted" data-testid="caller-seats">
      {seats.length === 0
        ? t('callerNone')
        : seats.map((s) => t('callerSeat', { pool: s.poolName, date: new Date(s.expiresAt).toLocaleDateString(lang === 'fr' ? 'fr-FR' : 'en-GB') })).join(' · ')}
    </span>
  );
}
