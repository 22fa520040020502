import { useTranslation } from 'react-i18next';
import { AssetPanel } from './AssetPanel';
import { RemoteRdpSection } from './RemoteRdpSection';
import { SshWorkspace } from './SshWorkspace';

/** Remote sessions: a PC's page (`#/remote/<assetId>`), or finding a PC and the recent sessions. */
export function RemotePage({ id }: { id?: string } = {}) {
  const { t } = useTranslation('common');
  if (id) return <AssetPanel assetId={id} />;
  return (
    <section className="page" aria-labelledby="page-title">
      <h1 id="page-title">{t('nav.remote')}</h1>
      <SshWorkspace />
      <RemoteRdpSection />
    </section>
  );
}
