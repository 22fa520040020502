import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { ConnectMenu, errorMessage, type AssetRemote } from './ConnectMenu';
import { Notice } from '../../components/Notice';

/** Remote-session actions on a ticket ("Se connecter": RDP, assistance, shadowing, SSH) for each linked PC. */
export function TicketRemoteActions({ ticketId }: { ticketId: string }) {
  const { t, i18n } = useTranslation('rdp');
  const [targets, setTargets] = useState<AssetRemote[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(() => {
    api.call('rdp.ticketTargets', { ticketId }).then(
      (r) => {
        setTargets(r.assets);
        setError(null);
      },
      (err) => setError(errorMessage(err, i18n.language)),
    );
  }, [ticketId, i18n.language]);
  useEffect(load, [load]);
  // A PC linked later, or its methods changed on its page.
  useEffect(() => api.on('tickets.changed', (p) => p.ids.includes(ticketId) && load()), [ticketId, load]);

  return (
    <section className="card rdp-ticket" aria-labelledby="rdp-ticket-title" data-testid="ticket-remote-actions">
      <h2 id="rdp-ticket-title">{t('connect.title')}</h2>
      <Notice error={error} />
      {!targets && !error && <p className="muted">{t('connect.loading')}</p>}
      {targets && targets.length === 0 && <p className="muted">{t('connect.noAsset')}</p>}
      {targets?.map((remote) => (
        <ConnectMenu key={remote.asset.id} remote={remote} ticketId={ticketId} label={targets.length === 1 ? t('connect.button') : undefined} />
      ))}
    </section>
  );
}
