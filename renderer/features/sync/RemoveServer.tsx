import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { errorText } from './useSync';
import type { SyncStatusDto } from '../../../src/domain/sync';
import { Notice } from '../../components/Notice';

/**
 * "Retirer ce serveur…": asks first, saying how many changes have not been sent (they stay
 * in the local outbox for the next server). Escape or "Garder le serveur" returns focus to
 * the button.
 */
export function RemoveServer({ status }: { status: SyncStatusDto }) {
  const { t, i18n } = useTranslation('settings');
  const [asking, setAsking] = useState(false);
  const [done, setDone] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const button = useRef<HTMLButtonElement>(null);
  const waiting = status.pending + status.parked;
  const close = () => {
    setAsking(false);
    button.current?.focus();
  };
  const remove = async () => {
    try {
      const r = await api.call('sync.remove', { confirm: true });
      setAsking(false);
      setDone(r.kept);
      setError(null);
    } catch (e) {
      setError(errorText(e, i18n.language));
    }
  };
  if (!status.config.configured) return done === null ? null : <Notice tone="success" testId="sync-removed">{t('remove.done', { count: done })}</Notice>;
  return (
    <div>
      {!status.config.locked && (
        <button type="button" ref={button} data-testid="sync-remove" onClick={() => setAsking(true)}>
          {t('remove.button')}
        </button>
      )}
      {asking && (
        <div
          role="alertdialog"
          aria-labelledby="remove-title"
          className="card warn"
          data-testid="sync-remove-confirm"
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.stopPropagation();
              close();
            }
          }}
        >
          <p id="remove-title">
            <strong>{t('remove.title')}</strong>
          </p>
          <p>{t('remove.body', { url: status.config.url ?? '' })}</p>
          <p data-testid="sync-remove-pending">{t('remove.pending', { count: waiting })}</p>
          <div className="actions">
            <button type="button" className="danger" data-testid="sync-remove-yes" onClick={() => void remove()}>
              {t('remove.confirm')}
            </button>
            <button type="button" autoFocus onClick={close}>
              {t('remove.cancel')}
            </button>
          </div>
        </div>
      )}
      <Notice error={error} />
    </div>
  );
}
