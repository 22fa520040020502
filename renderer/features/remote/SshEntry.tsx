import { SshConnectButton } from './SshConnectButton';

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
  return <SshConnectButton assetId={assetId} host={host} ticketId={ticketId} onDone={onDone} />;
}
