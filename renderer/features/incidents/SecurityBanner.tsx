import { useTranslation } from 'react-i18next';
import { routeHref } from '../../app/router';
import { timeOf, useDurationText } from './shared';
import { useIncident, useIncidentList } from './useIncident';
import './incidents.css';

/** The red banner at the top of a security incident's ticket (also for a ticket synced from another console). */
export function TicketSecurityBanner({ ticketId }: { ticketId: string }) {
  const { t, i18n } = useTranslation('incidents');
  const { detail } = useIncident(ticketId);
  const duration = useDurationText();
  if (!detail?.isSecurity) return null;
  const inc = detail.incident;
  return (
    <div className="security-banner" role="alert" data-testid="security-banner">
      <span>⚠ {t('banner.ticket')}</span>
      {inc && (
        <span className="muted">
          {t(`state.${inc.state}`)} · {t('banner.reported', { time: timeOf(inc.reportedAt, i18n.language) })}
          {inc.containedAt && ` · ${t('banner.contained', { duration: duration(inc.timeToContainmentMs) })}`}
        </span>
      )}
    </div>
  );
}

/** At the top of the queue: every open security incident, on every console once synced. */
export function QueueSecurityBanner() {
  const { t, i18n } = useTranslation('incidents');
  const list = useIncidentList();
  const open = (list ?? []).filter((i) => i.state !== 'closed');
  if (open.length === 0) return null;
  return (
    <div className="security-banner" role="alert" data-testid="queue-security-banner">
      <span>⚠ {t('banner.queue', { count: open.length })}</span>
      <ul>
        {open.slice(0, 5).map((i) => (
          <li key={i.ticketId}>
            <a href={routeHref({ page: 'ticket', id: i.ticketId })}>
              n° {i.number} — {i.subject}
            </a>{' '}
            <span className="muted">
              ({t(`state.${i.state}`)}, {timeOf(i.reportedAt, i18n.language)})
            </span>
          </li>
        ))}
      </ul>
      <a href={routeHref({ page: 'incidents' })}>{t('register.link')}</a>
    </div>
  );
}
