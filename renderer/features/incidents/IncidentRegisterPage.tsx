import { useTranslation } from 'react-i18next';
import { routeHref } from '../../app/router';
import { formatDateTime } from '../ticket/ticket-meta';
import { useDurationText } from './shared';
import { useIncidentList } from './useIncident';
import './incidents.css';

/** The incident register: every security incident with its state and time to containment (first call to isolation). */
export function IncidentRegisterPage() {
  const { t, i18n } = useTranslation('incidents');
  const list = useIncidentList();
  const duration = useDurationText();
  return (
    <section className="page register" aria-labelledby="page-title" data-testid="incident-register">
      <h1 id="page-title">{t('register.title')}</h1>
      {list === null ? (
        <p className="muted">…</p>
      ) : list.length === 0 ? (
        <p className="muted">{t('register.empty')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('col.number')}</th>
              <th scope="col">{t('col.subject')}</th>
              <th scope="col">{t('col.category')}</th>
              <th scope="col">{t('col.state')}</th>
              <th scope="col">{t('col.reported')}</th>
              <th scope="col">{t('col.contained')}</th>
              <th scope="col">{t('col.containment')}</th>
              <th scope="col">{t('col.breach')}</th>
              <th scope="col">{t('col.evidence')}</th>
            </tr>
          </thead>
          <tbody>
            {list.map((i) => (
              <tr key={i.ticketId} className={`state-${i.state}`} data-testid="register-row">
                <td>
                  <a href={routeHref({ page: 'ticket', id: i.ticketId })}>{i.number}</a>
                </td>
                <td>{i.subject}</td>
                <td>{i.categoryName?.split('>').pop()?.trim() ?? '—'}</td>
                <td data-testid="register-state">{t(`state.${i.state}`)}</td>
                <td>{formatDateTime(i.reportedAt, i18n.language)}</td>
                <td>{i.containedAt ? formatDateTime(i.containedAt, i18n.language) : '—'}</td>
                <td>{duration(i.timeToContainmentMs)}</td>
                <td>{i.breachDeadline ? formatDateTime(i.breachDeadline, i18n.language) : '—'}</td>
                <td>{i.evidenceCount}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
