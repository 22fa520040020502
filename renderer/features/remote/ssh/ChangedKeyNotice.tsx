import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../../api/client';
import { Notice } from '../../../components/Notice';

export type ChangedKey = { host: string; port: number; oldFingerprints: string[]; newFingerprint: string; keyType: string };

/** A host key that changed: connection refused; the key can be replaced after a confirmation. */
export function ChangedKeyNotice({ info, onReplaced }: { info: ChangedKey; onReplaced(): void }) {
  const { t } = useTranslation('ssh');
  const [confirm, setConfirm] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const replace = async () => {
    try {
      await api.call('ssh.hostKeyReplace', { host: info.host, port: info.port, fingerprint: info.newFingerprint });
      onReplaced();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <div className="ssh-banner error" role="alert" data-testid="ssh-hostkey-changed">
      <strong>{t('hostKey.changedTitle')}</strong>
      <dl className="rdp-facts">
        <dt>{t('hostKey.old')}</dt>
        <dd className="rdp-fingerprint">{info.oldFingerprints.join(', ')}</dd>
        <dt>{t('hostKey.new')}</dt>
        <dd className="rdp-fingerprint">{info.newFingerprint}</dd>
      </dl>
      {!confirm ? (
        <button type="button" onClick={() => setConfirm(true)}>
          {t('hostKey.replace')}
        </button>
      ) : (
        <p>
          {t('hostKey.replaceConfirm')}{' '}
          <button type="button" className="danger" onClick={() => void replace()} data-testid="ssh-hostkey-replace">
            {t('hostKey.replaceNow')}
          </button>
        </p>
      )}
      <Notice error={error} />
    </div>
  );
}
