import { useTranslation } from 'react-i18next';
import { useCall } from '../../api/queries';
import { ConnectMenu, type AssetRemote } from './ConnectMenu';
import { Notice } from '../../components/Notice';

/** Remote-session actions on a ticket ("Se connecter": RDP, assistance, shadowing, SSH) for each linked PC. */
export function TicketRemoteActions({ ticketId }: { ticketId: string }) {
  const { t } = useTranslation('rdp');
  // Fetched again when a PC is linked later (`tickets.changed`) or a profile changes.
  const query = useCall('rdp.ticketTargets', { ticketId }, { showsError: true });
  const targets: AssetRemote[] | null = query.data?.assets ?? null;
  const error = query.error;

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
