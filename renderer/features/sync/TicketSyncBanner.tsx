import './sync.css';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { errorText, useTicketSync } from './useSync';
import { Notice } from '../../components/Notice';

const show = (v: unknown) => (v === null || v === undefined || v === '' ? '—' : typeof v === 'string' ? v : JSON.stringify(v));
/** Conflict values by their names: statuses through their labels (teams and categories already are names). */
const valueOf = (field: string, v: unknown, t: (k: string, o?: Record<string, unknown>) => string) =>
  field === 'status' && typeof v === 'number' ? t(`status.${v}`, { defaultValue: String(v) }) : show(v);

/**
 * Sync state of one ticket: conflicts to choose (changed here and on the server), and
 * changes parked "à traiter" with the server's message — retry, or discard after a
 * confirmation (a copy stays on the timeline).
 */
export function TicketSyncBanner({ ticketId }: { ticketId: string }) {
  const { t, i18n } = useTranslation('sync');
  const { state, setState } = useTicketSync(ticketId);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  // A refused token fails every change alike: one global hint in the status bar, one line here.
  const authParked = state?.parked.filter((p) => p.reason === 'auth') ?? [];
  const parked = state?.parked.filter((p) => p.reason !== 'auth') ?? [];
  if (!state) return null;
  const marks = (
    <>
      {state.historyPartial && (
        <p className="muted" data-testid="history-partial">
          {t('banner.historyPartial')}
        </p>
      )}
      {state.warnings.map((w) => (
        <p key={w.code} className="warn" data-testid="sync-warning">
          {t(`warning.${w.code.replace(/^sync\./, '')}`, {
            ...w.params,
            fields: ((w.params.fields as string[] | undefined) ?? []).map((f) => t(`field.${f}`, { defaultValue: f })).join(', '),
          })}
        </p>
      ))}
    </>
  );
  if (!state.conflicts.length && !state.parked.length) return state.historyPartial || state.warnings.length ? <section className="sync-marks">{marks}</section> : null;
  const run = (p: Promise<typeof state>) =>
    p.then(
      (s) => {
        setState(s);
        setError(null);
        setConfirming(null);
      },
      (e) => setError(errorText(e, i18n.language)),
    );
  const fieldName = (f: string) => t(`field.${f}`, { defaultValue: f });
  return (
    <section className="card warn sync-banner" data-testid="ticket-sync-banner" aria-label={t('banner.title')}>
      {marks}
      {state.conflicts.map((c) => (
        <div key={c.id} data-testid="sync-conflict" className="sync-conflict">
          <strong>{t('banner.conflict', { field: fieldName(c.field) })}</strong>
          <div>
            {t('banner.here')}{t('common:colon')}<b data-testid="conflict-local">{valueOf(c.field, c.localValue, t)}</b> · {t('banner.server')}{t('common:colon')}<b>{valueOf(c.field, c.serverValue, t)}</b> · {t('banner.before')}{t('common:colon')}
            {valueOf(c.field, c.baseValue, t)}
          </div>
          <div className="actions">
            <button type="button" data-testid="keep-local" onClick={() => void run(api.call('sync.resolveConflict', { conflictId: c.id, keep: 'local' }))}>
              {t('banner.keepLocal')}
            </button>
            <button type="button" data-testid="keep-server" onClick={() => void run(api.call('sync.resolveConflict', { conflictId: c.id, keep: 'server' }))}>
              {t('banner.keepServer')}
            </button>
          </div>
        </div>
      ))}
      {authParked.length > 0 && (
        <p className="muted" data-testid="sync-auth-hint">
          {t('banner.authHint')}
        </p>
      )}
      {parked.map((p) => (
        <div key={p.opId} data-testid="sync-parked-op" className="sync-parked">
          <strong>{t('banner.parked')}</strong> {p.summary}
          <div>
            {t('banner.serverSaid')}{t('common:colon')}<q data-testid="server-message">{p.serverMessage || '—'}</q>
            {p.status && p.status !== 200 ? ` (HTTP ${p.status})` : ''}
          </div>
          <div className="actions">
            <button type="button" data-testid="retry-op" onClick={() => void run(api.call('sync.retry', { opId: p.opId }))}>
              {t('banner.retry')}
            </button>
            {confirming === p.opId ? (
              <>
                <span role="alert">{t('banner.confirmDiscard')}</span>
                <button type="button" data-testid="confirm-discard" onClick={() => void run(api.call('sync.discard', { opId: p.opId, confirm: true }))}>
                  {t('banner.discardYes')}
                </button>
                <button type="button" onClick={() => setConfirming(null)}>
                  {t('banner.cancel')}
                </button>
              </>
            ) : (
              <button type="button" data-testid="discard-op" onClick={() => setConfirming(p.opId)}>
                {t('banner.discard')}
              </button>
            )}
          </div>
        </div>
      ))}
      <Notice error={error} />
    </section>
  );
}
