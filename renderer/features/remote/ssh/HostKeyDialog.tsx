import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { HostKeyPrompt } from '../ssh-store';

/** An unknown host key: its type and SHA256 fingerprint, trusted for good, once, or refused. */
export function HostKeyDialog({ prompt, busy, onAnswer }: { prompt: HostKeyPrompt; busy: boolean; onAnswer(d: 'trust-remember' | 'trust-once' | 'cancel'): void }) {
  const { t } = useTranslation('ssh');
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);
  return (
    <dialog ref={ref} className="rdp-dialog" aria-labelledby="ssh-hk-title" data-testid="ssh-hostkey-dialog" onCancel={(e) => (e.preventDefault(), onAnswer('cancel'))}>
      <h2 id="ssh-hk-title">{t('hostKey.title')}</h2>
      <p>{t('hostKey.unknown', { host: prompt.host, port: prompt.port })}</p>
      <dl className="rdp-facts">
        <dt>{t('hostKey.type')}</dt>
        <dd data-testid="ssh-hostkey-type">{prompt.keyType}</dd>
        <dt>{t('hostKey.fingerprint')}</dt>
        <dd className="rdp-fingerprint" data-testid="ssh-hostkey-fingerprint">
          {prompt.fingerprint}
        </dd>
      </dl>
      <p className="muted">{t('hostKey.check')}</p>
      <div className="ssh-dialog-buttons">
        <button type="button" className="primary" disabled={busy} onClick={() => onAnswer('trust-remember')} data-testid="ssh-trust-remember">
          {t('hostKey.remember')}
        </button>
        <button type="button" disabled={busy} onClick={() => onAnswer('trust-once')} data-testid="ssh-trust-once">
          {t('hostKey.once')}
        </button>
        <button type="button" disabled={busy} onClick={() => onAnswer('cancel')} data-testid="ssh-trust-cancel">
          {t('hostKey.cancel')}
        </button>
      </div>
    </dialog>
  );
}
