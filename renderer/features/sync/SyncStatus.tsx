import './sync.css';
import { useTranslation } from 'react-i18next';
import { useState } from 'react';
import { api } from '../../api/client';
import { errorText, useSyncStatus } from './useSync';

/**
 * The status bar's sync part: online/offline against the ITSM server, changes waiting,
 * changes "à traiter", conflicts, last successful sync, the "Synchroniser" button and the
 * progress of a running sync (the first one pages through the whole queue).
 */
export function SyncStatus() {
  const { t, i18n } = useTranslation(['sync', 'common']);
  const { status, progress } = useSyncStatus();
  const [error, setError] = useState<string | null>(null);
  const pending = status?.pending ?? 0;
  const configured = status?.config.configured ?? false;
  const server = !configured ? null : status?.online === null ? 'unknown' : status?.online ? 'online' : 'offline';
  const last = status?.lastSuccessAt ? new Date(status.lastSuccessAt).toLocaleString(i18n.language, { dateStyle: 'short', timeStyle: 'short' }) : null;
  const pct = progress?.total ? Math.min(100, Math.round((progress.done / progress.total) * 100)) : null;
  return (
    <span className="sync-status" data-testid="sync-status">
      {server && (
        <span data-testid="sync-server" className={server === 'offline' ? 'warn' : 'ok'} title={status?.lastError ?? undefined}>
          {t(`sync:server.${server}`)}
        </span>
      )}
      <span data-testid="pending-count">{t('common:status.pending', { count: pending })}</span>
      {!!status?.parked && (
        <span className="warn" data-testid="sync-parked">
          {t('sync:parked', { count: status.parked })}
        </span>
      )}
      {!!status?.conflicts && (
        <span className="warn" data-testid="sync-conflicts">
          {t('sync:conflicts', { count: status.conflicts })}
        </span>
      )}
      {configured && <span data-testid="sync-last">{last ? t('sync:last', { when: last }) : t('sync:never')}</span>}
      {status?.running && progress && (
        <span data-testid="sync-progress">
          {progress.phase === 'pull' && !status.initialDone ? t('sync:firstSync') : t(`sync:phase.${progress.phase}`)}{' '}
          {pct !== null ? (
            <progress max={100} value={pct} aria-label={t('sync:progressLabel')}>
              {pct}%
            </progress>
          ) : (
            <span>{progress.done}</span>
          )}
        </span>
      )}
      {configured && (
        <button
          type="button"
          data-testid="sync-now"
          disabled={status?.running}
          onClick={() => {
            setError(null);
            api.call('sync.now').catch((e) => setError(errorText(e, i18n.language)));
          }}
        >
          {status?.running ? t('sync:running') : t('sync:now')}
        </button>
      )}
      {error && (
        <span role="alert" className="error">
          {error}
        </span>
      )}
    </span>
  );
}
