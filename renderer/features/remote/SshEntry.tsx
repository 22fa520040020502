import { useTranslation } from 'react-i18next';

/**
 * The SSH entry of the "Se connecter" menu.
 *
 * IMPORT POINT for the SSH feature: when `./SshConnectButton.tsx` exists (written by the
 * SSH engineer), replace this placeholder's body with
 *   `import { SshConnectButton } from './SshConnectButton';`
 *   `return <SshConnectButton assetId={assetId} host={host} ticketId={ticketId} onDone={onDone} />;`
 * (props as below; the button must keep `role="menuitem"` to stay in the menu's keyboard order).
 */
export function SshEntry({ assetId, host, ticketId, onDone }: { assetId: string; host: string; ticketId: string | null; onDone(): void }) {
  const { t } = useTranslation('rdp');
  void assetId;
  void host;
  void ticketId;
  void onDone;
  return (
    <button type="button" role="menuitem" data-testid="rdp-method-ssh" data-method="ssh" disabled title={t('ssh.pending')}>
      <span className="rdp-method-label">{t('method.ssh')}</span>
      <span className="rdp-method-hint muted">{t('ssh.pending')}</span>
    </button>
  );
}
