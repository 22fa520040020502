import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallOutput } from '../../../src/api/contract';
import { api } from '../../api/client';
import { routeHref } from '../../app/router';
import { TicketRemoteActions } from '../remote/TicketRemoteActions';
import { TicketToolActions } from '../tools/TicketToolActions';
import { TicketSyncBanner } from '../sync/TicketSyncBanner';
import { TicketSecurityBanner } from '../incidents/SecurityBanner';
import { IncidentPanel } from '../incidents/IncidentPanel';
import { errorText, formatDateTime, useTicketMeta } from './ticket-meta';
import { TicketActions } from './TicketActions';
import { Timeline } from './Timeline';
import { Revealed } from '../../components/Revealed';
import './ticket.css';
import { TicketOrgFields } from '../organisation/TicketOrgFields';

export type TicketDetail = CallOutput<'tickets.get'>;

/** One ticket: what it is, who asked, its SLA, the actions on it and its timeline. */
export function TicketPage({ id }: { id: string }) {
  const { t, i18n } = useTranslation('hotline');
  const meta = useTicketMeta();
  const [detail, setDetail] = useState<TicketDetail | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(() => {
    api.call('tickets.get', { id }).then(
      (d) => {
        setDetail(d);
        setError(null);
      },
      (err) => setError(errorText(err, i18n.language)),
    );
  }, [id, i18n.language]);
  useEffect(load, [load]);
  // Live: another window, sync or a remote session changed this ticket.
  useEffect(() => api.on('tickets.changed', (p) => p.ids.includes(id) && load()), [id, load]);

  if (!detail) {
    return (
      <section className="page" aria-labelledby="page-title">
        <h1 id="page-title">{t('ticket.loading')}</h1>
        {error && <p role="alert" className="error">{error}</p>}
        <a href={routeHref({ page: 'queue' })}>{t('ticket.back')}</a>
      </section>
    );
  }
  const tk = detail.ticket;
  const dt = (iso: string | null) => (iso ? formatDateTime(iso, i18n.language) : '—');

  return (
    <section className="page ticket-page" aria-labelledby="page-title" data-testid="ticket-page">
      <a href={routeHref({ page: 'queue' })} className="back-link">
        ← {t('ticket.back')}
      </a>
      <TicketSecurityBanner ticketId={tk.id} />
      <TicketSyncBanner ticketId={tk.id} />
      <header className="ticket-header">
        <h1 id="page-title">
          <span className="muted">{t('ticket.title', { number: tk.number })}</span> <Revealed text={tk.subject} />
        </h1>
        <div className="ticket-badges">
          <span className={`badge status s${tk.status}`} data-testid="ticket-status">
            {t(`status.${tk.status}`)}
          </span>
          <span className={`badge priority p${tk.priority}`}>
            {t('field.priority')} : {t(`level.${tk.priority}`)}
          </span>
          <span className="badge">{t(`type.${tk.type}`)}</span>
          {tk.slaBreached && <span className="badge late-badge">{t('ticket.late')}</span>}
        </div>
      </header>
      {error && <p role="alert" className="error">{error}</p>}
      <div className="ticket-layout">
        <div className="ticket-main">
          <dl className="card ticket-facts">
            <dt>{t('field.requester')}</dt>
            <dd data-testid="ticket-requester">
              {tk.requesterName || '—'}
              {tk.requesterPhone && ` · ${tk.requesterPhone}`}
              {detail.requester ? ` · ${detail.requester.department}` : tk.requesterName ? ` (${t('ticket.requesterUnknown')})` : ''}
            </dd>
            <TicketOrgFields ticket={tk} />
            <dt>{t('ticket.linked')}</dt>
            <dd data-testid="ticket-assets">{detail.assets.map((a) => `${a.name}${a.ip ? ` (${a.ip})` : ''}`).join(', ') || '—'}</dd>
            <dt>{t('field.category')}</dt>
            <dd>{tk.categoryName ?? '—'}</dd>
            <dt>{t('field.team')}</dt>
            <dd data-testid="ticket-team">{tk.teamName ?? '—'}</dd>
            <dt>{t('field.technician')}</dt>
            <dd data-testid="ticket-technician">{tk.technician ?? '—'}</dd>
            <dt>{t('field.urgency')} / {t('field.impact')}</dt>
            <dd>
              {t(`level.${tk.urgency}`)} / {t(`level.${tk.impact}`)}
            </dd>
            <dt>{t('ticket.ttoDue')}</dt>
            <dd>{dt(tk.ttoDue)}</dd>
            <dt>{t('ticket.ttrDue')}</dt>
            <dd>{dt(tk.ttrDue)}</dd>
          </dl>
          {tk.description && <p className="card ticket-description"><Revealed text={tk.description} /></p>}
          <Timeline entries={detail.timeline} />
        </div>
        <aside className="ticket-side" aria-label={t('ticket.actions')}>
          <IncidentPanel ticketId={tk.id} assetIds={tk.assetIds} />
          <TicketRemoteActions ticketId={tk.id} />
          <TicketToolActions ticketId={tk.id} />
          <TicketActions ticket={tk} meta={meta} onDone={setDetail} />
        </aside>
      </div>
    </section>
  );
}
