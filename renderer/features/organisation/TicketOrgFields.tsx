import { useTranslation } from 'react-i18next';
import type { Ticket } from '../../../src/domain/tickets';
import { ServiceLabel } from './TierBadge';

/**
 * The ticket's organisation and service as they were at call time (a service deleted
 * since shows "archivé"), and the tags its priority rules set. Rows of the ticket's <dl>.
 */
export function TicketOrgFields({ ticket }: { ticket: Ticket }) {
  const { t } = useTranslation('organisation');
  const o = ticket.org;
  return (
    <>
      <dt>{t('ticketService')}</dt>
      <dd data-testid="ticket-service">
        {o.organisationCode ?? '—'}
        {o.serviceName && (
          <>
            {' · '}
            {o.directionName && `${o.directionName} › `}
            <ServiceLabel name={o.serviceName} tier={o.tier} archived={o.serviceArchived} />
          </>
        )}
      </dd>
      {ticket.tags.length > 0 && (
        <>
          <dt>{t('tags')}</dt>
          <dd data-testid="ticket-tags">{ticket.tags.join(', ')}</dd>
        </>
      )}
    </>
  );
}
