import { useTranslation } from 'react-i18next';
import { navigate } from '../../app/router';
import { sshStore } from './ssh-store';

/**
 * The SSH entry of a PC's "Se connecter" menu: opens a terminal in Relais (remote-sessions
 * page) with the PC's SSH profile, linked to the ticket; proposes a profile when the PC has none.
 */
export function SshConnectButton({ assetId, host, ticketId, onDone }: { assetId: string; host: string; ticketId: string | null; onDone(): void }) {
  const { t } = useTranslation('ssh');
  return (
    <button
      type="button"
      role="menuitem"
      data-testid="rdp-method-ssh"
      data-method="ssh"
      onClick={() => {
        sshStore.request({ assetId, host, ticketId });
        onDone();
        navigate({ page: 'remote' });
      }}
    >
      <span className="rdp-method-label">{t('menu.label')}</span>
      <span className="rdp-method-hint muted">{t('menu.hint')}</span>
    </button>
  );
}
