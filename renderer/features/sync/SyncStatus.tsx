import './sync.css';
import { useTranslation } from 'react-i18next';
import { useState } from 'react';
import { api } from '../../api/client';
import { navigate } from '../../app/router';
import { errorText, useSyncStatus, type SyncStatusDto } from './useSync';

type Action = { key: string; run(): Promise<unknown> | void };

/**
 * The status bar's sync part: exactly one sentence saying where Relais stands with the ITSM
 * server (local only, connecting, synchronised at T, unreachable since T with N waiting, token
 * refused, N rejected changes), plus the one action that helps, and the progress of a running
 * sync. The core decides the state (`sync.status`.state); this only words it.
 */
export function SyncStatus() {
  const { t, i18n } = useTranslation(['sync', 'common']);
  const { status, progress } = useSyncStatus();
  const [error, setError] = useState<string | null>(null);
  if (!status) return <span className="sync-status" data-testid="sync-status" />;
  const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString(i18n.language, { dateStyle: 'short', timeStyle: 'short' }) : '');
  const pct = progress?.total ? Math.min(100, Math.round((progress.done / progress.total) * 100)) : null;
  const catchInto = (p: Promise<unknown>) => p.catch((e) => setError(errorText(e, i18n.language)));
  const action = actionFor(status, (p) => void catchInto(p));
  return (
    <span className="sync-status" data-testid="sync-status">
      <span data-testid="sync-sentence" data-state={status.state} className={status.state === 'synced' || status.state === 'local' || status.state === 'connecting' ? 'ok' : 'warn'} title={status.lastError ?? undefined}>
        {sentence(status, t, when)}
      </span>
      {status.running && progress && (
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
      {action && (
        <button
          type="button"
          data-testid="sync-action"
          disabled={status.running && action.key !== 'openSettings'}
          onClick={() => {
            setError(null);
            const r = action.run();
            if (r) void catchInto(r);
          }}
        >
          {status.running && action.key === 'now' ? t('sync:running') : t(`sync:action.${action.key}`, { count: status.parked })}
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

function sentence(s: SyncStatusDto, t: (k: string, o?: Record<string, unknown>) => string, when: (iso: string | null) => string): string {
  const waiting = s.pending ? ` · ${t('sync:state.waiting', { count: s.pending })}` : '';
  const conflicts = s.conflicts ? ` · ${t('sync:conflicts', { count: s.conflicts })}` : '';
  switch (s.state) {
    case 'local':
      return t('sync:state.local');
    case 'connecting':
      return t('sync:state.connecting') + waiting;
    case 'unreachable':
      return t('sync:state.unreachable', { since: when(s.unreachableSince) }) + waiting;
    case 'authRefused':
      return t('sync:state.authRefused') + waiting;
    case 'rejected':
      return t('sync:state.rejected', { count: s.parked }) + conflicts;
    case 'synced':
      return (s.lastSuccessAt ? t('sync:state.synced', { when: when(s.lastSuccessAt) }) : t('sync:state.connecting')) + waiting + conflicts;
  }
}

/** The one action that helps in each state. */
function actionFor(s: SyncStatusDto, onError: (p: Promise<unknown>) => void): Action | null {
  switch (s.state) {
    case 'local':
      return { key: 'configure', run: () => navigate({ page: 'settings', section: 'server' }) };
    case 'authRefused':
      return { key: 'openSettings', run: () => navigate({ page: 'settings', section: 'server' }) };
    case 'rejected':
      return { key: 'retryAll', run: () => onError(api.call('sync.retryAll')) };
    case 'unreachable':
      return { key: 'retryNow', run: () => api.call('sync.now') };
    default:
      return { key: 'now', run: () => api.call('sync.now') };
  }
}
