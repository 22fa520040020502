import { useTranslation } from 'react-i18next';
import { useCall } from '../../api/queries';
import { routeHref } from '../../app/router';
import { SessionStatus, type SessionRecord } from './ConnectMenu';

/** Sessions launched from this console (for one PC, or all), newest first, updated live. */
export function RdpSessionList({ assetId }: { assetId?: string }) {
  const { t, i18n } = useTranslation('rdp');
  // Fetched again on every `rdp.session` event (api/stale-on-event.ts).
  const sessions: SessionRecord[] = useCall('rdp.sessions', assetId ? { assetId, limit: 20 } : { limit: 20 }).data?.sessions ?? [];

  if (sessions.length === 0) return <p className="muted">{t('asset.noSessions')}</p>;
  const fmt = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'short', timeStyle: 'short' });
  return (
    <ul className="rdp-sessions" data-testid="rdp-sessions">
      {sessions.map((s) => (
        <li key={s.id}>
          <div>
            <time dateTime={s.startedAt}>{fmt.format(new Date(s.startedAt))}</time> · {t('sessionRow', { method: t(`method.${s.method}`), name: s.assetName, technician: s.technician })}
            {s.ticketId && (
              <>
                {' · '}
                <a href={routeHref({ page: 'ticket', id: s.ticketId })}>#</a>
              </>
            )}
          </div>
          <SessionStatus record={s} />
        </li>
      ))}
    </ul>
  );
}
