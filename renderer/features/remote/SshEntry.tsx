import { SshConnectButton } from './SshConnectButton';

/** The SSH entry of the "Se connecter" menu (keeps `role="menuitem"` for the menu's keyboard order). */
export function SshEntry({ assetId, host, ticketId, onDone }: { assetId: string; host: string; ticketId: string | null; onDone(): void }) {
  return <SshConnectButton assetId={assetId} host={host} ticketId={ticketId} onDone={onDone} />;
}
